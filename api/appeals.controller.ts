import { Controller, Get, Param, ParseUUIDPipe, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppealsService } from './appeals.service';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';

@ApiTags('appeals')
@ApiBearerAuth()
@Controller('appeals')
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  @Get(':id')
  @Requires('appeal.status')
  status(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.appeals.status(who, id);
  }

  @Get(':id/letter')
  @Requires('appeal.read')
  letter(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.appeals.letter(who, id);
  }

  @Get(':id/packet')
  @Requires('appeal.read')
  @ApiProduces('application/pdf')
  async packet(
    @Who() who: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const pdf = await this.appeals.packet(who, id);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="appeal-${id}.pdf"`,
    });
  }
}
