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
import { ApiBody, ApiConsumes, ApiHeader, ApiTags } from '@nestjs/swagger';
import { badRequest } from './errors';
import { RemittancesService, type RemittanceView } from './remittances.service';
import { Actor, type RequestActor } from './tenant-context';

export const MAX_REMITTANCE_BYTES = 200 * 1024 * 1024;

@ApiTags('remittances')
@ApiHeader({
  name: 'X-Tenant-Id',
  description: 'development only, until sessions land',
  required: true,
})
@Controller('remittances')
export class RemittancesController {
  constructor(private readonly remittances: RemittancesService) {}

  @Post()
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    },
  })
  @UseInterceptors(
    FileInterceptor('file', { limits: { fileSize: MAX_REMITTANCE_BYTES, files: 1 } }),
  )
  upload(
    @Actor() who: RequestActor,
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
  ): Promise<RemittanceView> {
    if (!file) throw badRequest('multipart field "file" is required', 'file');
    return this.remittances.upload(who, file.buffer, file.originalname);
  }

  @Get(':id')
  get(
    @Actor() who: RequestActor,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<RemittanceView> {
    return this.remittances.get(who, id);
  }
}
