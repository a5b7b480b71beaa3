import * as fs from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, Inject, Redirect, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Config } from '../ops/config';
import { AppError, notFound } from './errors';
import { Public } from './permissions';
import { CONFIG } from './tokens';

/** Where the pages live: one prefix no API route uses, so neither can shadow the other. */
export const WEB_BASE = '/app/';

/**
 * Stricter than the API-wide policy (which the docs page needs): the pages run
 * only the bundle's own scripts and styles, talk only to this origin, and
 * load images only from it or as data: URLs (the MFA QR code).
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A path segment Vite could have written: no dot files, no parent references. */
const SAFE_SEGMENT = /^[\w@][\w@.-]*$/;

/**
 * Serves the web pages built into dist/web: the files themselves, and
 * index.html for every other path under /app/ so client-side routes survive a
 * reload. Registered last, and only under /app/, so API routes keep precedence.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  private readonly root: string;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    this.root = path.join(config.rootDir, 'dist', 'web');
  }

  @Get()
  @Redirect(WEB_BASE, 302)
  index(): void {}

  /** What the pages must know before anyone signs in: the session limits to warn about. */
  @Get('app/config.json')
  settings() {
    return {
      idleTimeoutMs: this.config.auth.idleTimeoutMs,
      absoluteTimeoutMs: this.config.auth.absoluteTimeoutMs,
    };
  }

  @Get('app{/*path}')
  page(@Req() req: Request, @Res() res: Response): void {
    // Relative URLs in the pages resolve against /app/, so /app itself moves there.
    if (!req.path.startsWith(WEB_BASE)) return res.redirect(301, WEB_BASE);
    const segments = req.path.slice(WEB_BASE.length).split('/').filter(Boolean);
    if (!segments.every((s) => SAFE_SEGMENT.test(s))) throw notFound('page');
    if (!fs.existsSync(path.join(this.root, 'index.html')))
      throw new AppError(
        'WEB_NOT_BUILT',
        'the web pages are not built: run `bin/claimflow dev up` (it builds them)',
        503,
      );
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    const file = segments.join('/');
    if (file && fs.statSync(path.join(this.root, file), { throwIfNoEntry: false })?.isFile()) {
      // Vite names every asset by its content hash: cache it for good; index.html never.
      if (file.startsWith('assets/'))
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      return res.sendFile(file, { root: this.root, dotfiles: 'deny', cacheControl: false });
    }
    // A missing asset is an error, not a page: only extension-less paths are client routes.
    if (/\.[a-z0-9]+$/i.test(file)) throw notFound('file');
    res.sendFile('index.html', { root: this.root, cacheControl: false });
  }
}
