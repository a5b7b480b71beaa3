import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { badRequest } from './errors';
import { RemittancesService, type RemittanceView } from './remittances.service';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';

@ApiTags('remittances')
@ApiBearerAuth()
@Controller('remittances')
export class RemittancesController {
  constructor(private readonly remittances: RemittancesService) {}

  /** Size-limited by UPLOAD_MAX_BYTES (multer's module options): 413 beyond it. */
  @Post()
  @HttpCode(202)
  @Requires('remittance.upload')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    },
  })
  @UseInterceptors(FileInterceptor('file'))
  upload(
    @Who() who: Actor,
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
  ): Promise<RemittanceView> {
    if (!file) throw badRequest('multipart field "file" is required', 'file');
    return this.remittances.upload(who, file.buffer, file.originalname);
  }

  @Get(':id')
  @Requires('remittance.read')
  get(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string): Promise<RemittanceView> {
    return this.remittances.get(who, id);
  }
}
