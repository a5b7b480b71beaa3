import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './permissions';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>claimflow</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}a{color:#0b57d0}</style>
</head>
<body>
<main>
<h1>claimflow</h1>
<p>Denied and underpaid claims from X12 835 remittances, worked as durable workflows.</p>
<ul>
<li><a href="/docs">API documentation</a></li>
<li><a href="/health">Health</a></li>
</ul>
</main>
</body>
</html>`;

/** Placeholder until the web pages land; served by the API so one port does it all. */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return PAGE;
  }
}
