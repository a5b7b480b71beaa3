/**
 * Splits latin1-decoded text into segments and elements. Working in latin1 makes a character
 * index equal to a byte offset, so every position we report is a true byte offset; segments
 * holding non-ASCII bytes are re-decoded as UTF-8 before they are split.
 *
 * The scanner is incremental: the streaming API pushes chunks, parse835 pushes everything at
 * once. It never buffers more than one segment (capped by maxSegmentLength) beyond a chunk.
 */
import { X12Error, type X12IssueCode, type X12Position, type X12Severity } from './errors';
import type { Delimiters } from './types';

export interface SegmentSink {
  /** utf8: the segment held multi-byte UTF-8, so element byte lengths differ from lengths. */
  segment(elements: string[], index: number, byteOffset: number, utf8: boolean): void;
  issue(severity: X12Severity, code: X12IssueCode, message: string, position: X12Position): void;
  /** Set by the sink to make the scanner drop the rest of the input. */
  readonly stopped: boolean;
}

const ISA_LENGTH = 106;
// Positions of the 16 element separators in a fixed-length ISA.
const ISA_SEPARATORS = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];
const HIGH_BYTE = /[\u0080-\u00ff]/;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isBreak(c: number): boolean {
  return c === 10 || c === 13;
}

export class SegmentScanner {
  delimiters: Delimiters | undefined;
  /** True while reading a file that had no ISA. */
  headerless = false;
  /** The segment terminator sits at the start of each line ("\n~GS|...", seen in the wild). */
  private terminatorLeads = false;
  private buf = '';
  private base = 0;
  private count = 0;
  private skipping = false;
  private started = false;
  private readonly max: number;

  constructor(
    private readonly sink: SegmentSink,
    maxSegmentLength = 65536,
  ) {
    this.max = maxSegmentLength;
  }

  get segmentCount(): number {
    return this.count;
  }

  get bytesSeen(): number {
    return this.base + this.buf.length;
  }

  push(chunk: string): void {
    if (this.sink.stopped) {
      return;
    }
    if (this.skipping) {
      chunk = this.skipRest(chunk);
      if (this.skipping) {
        return;
      }
    }
    const d = this.delimiters;
    if (this.buf.length > 0 && this.started && d !== undefined && chunk.length > 256) {
      // Finish the segment cut by the previous chunk on its own, then scan the new chunk in
      // place: concatenating the whole chunk to the remainder would copy every chunk once more
      // (V8 flattens the concatenation on the first indexOf) and keep both copies alive.
      const t = chunk.indexOf(d.segment);
      if (t >= 0 && t + 1 < chunk.length) {
        this.buf = this.buf + chunk.slice(0, t + 1);
        this.drain(false);
        this.push(chunk.slice(t + 1));
        return;
      }
    }
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    this.drain(false);
  }

  end(): void {
    if (this.sink.stopped) {
      return;
    }
    this.drain(true);
    if (!this.started) {
      this.checkStart(true);
    }
  }

  private skipRest(chunk: string): string {
    const term = this.delimiters?.segment ?? '~';
    const i = chunk.indexOf(term);
    if (i < 0) {
      this.base += chunk.length;
      return '';
    }
    this.skipping = false;
    this.base += i + 1;
    return chunk.slice(i + 1);
  }

  /** Rejects input that is not text X12 at all, before any segment is read. */
  private checkStart(final: boolean): boolean {
    const buf = this.buf;
    if (buf.length < 3 && !final) {
      return false;
    }
    const pos0 = { segmentIndex: 0, segmentId: '', byteOffset: 0 };
    if (
      buf.length >= 2 &&
      ((buf.charCodeAt(0) === 0xff && buf.charCodeAt(1) === 0xfe) ||
        (buf.charCodeAt(0) === 0xfe && buf.charCodeAt(1) === 0xff))
    ) {
      throw new X12Error(
        'X12_UTF16',
        'input is UTF-16 (byte order mark); X12 must be ASCII or UTF-8',
        pos0,
      );
    }
    const head = buf.slice(0, 512);
    const nul = head.indexOf('\u0000');
    if (nul >= 0) {
      let nuls = 0;
      for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nuls++;
      if (nuls * 3 >= head.length) {
        throw new X12Error('X12_UTF16', 'input looks like UTF-16 (NUL every other byte)', pos0);
      }
      throw new X12Error('X12_BINARY', 'input is binary (NUL byte)', { ...pos0, byteOffset: nul });
    }
    let start = 0;
    if (head.startsWith('\u00ef\u00bb\u00bf')) {
      start = 3;
    }
    while (start < head.length && /\s/.test(head[start])) {
      start++;
    }
    if (start >= buf.length) {
      if (!final) {
        return false;
      }
      throw new X12Error('X12_EMPTY', 'input is empty', pos0);
    }
    if (buf.length - start < 3 && !final) {
      return false;
    }
    const id = buf.slice(start, start + 3);
    const sep = buf.charCodeAt(start + 2);
    const known =
      id === 'ISA' ||
      ((id.startsWith('ST') || id.startsWith('GS')) && !isAlnum(sep) && !Number.isNaN(sep));
    if (!known) {
      let high = 0;
      for (let i = 0; i < head.length; i++) {
        const c = head.charCodeAt(i);
        if (c >= 0x80 || (c < 9 && c !== 0)) high++;
      }
      if (high > head.length / 10) {
        throw new X12Error('X12_BINARY', 'input is binary, not X12 text', {
          ...pos0,
          byteOffset: start,
        });
      }
      throw new X12Error(
        'X12_NO_INTERCHANGE',
        'input does not start with an ISA, GS or ST segment',
        { ...pos0, byteOffset: start },
      );
    }
    this.buf = buf.slice(start);
    this.base += start;
    this.started = true;
    return true;
  }

  private drain(final: boolean): void {
    if (!this.started && !this.checkStart(final)) {
      return;
    }
    const buf = this.buf;
    const len = buf.length;
    let pos = 0;
    const high = HIGH_BYTE.test(buf);
    while (!this.sink.stopped) {
      let c = buf.charCodeAt(pos);
      while (pos < len && (c === 10 || c === 13 || c === 32 || c === 9)) {
        c = buf.charCodeAt(++pos);
      }
      if (pos >= len) {
        break;
      }
      const d = this.delimiters;
      if (
        d === undefined ||
        (c === 73 &&
          buf.charCodeAt(pos + 1) === 83 &&
          buf.charCodeAt(pos + 2) === 65 &&
          !isAlnum(buf.charCodeAt(pos + 3)))
      ) {
        const next =
          d === undefined && c !== 73 ? this.readHeaderless(pos, final) : this.readIsa(pos, final);
        if (next < 0) {
          break;
        }
        pos = next;
        continue;
      }
      const end = buf.indexOf(d.segment, pos);
      if (end < 0) {
        if (len - pos > this.max) {
          this.tooLong(pos, final);
          pos = len;
          break;
        }
        if (!final) {
          break;
        }
        const leadsOk = this.terminatorLeads && isBreak(buf.charCodeAt(len - 1));
        if (!leadsOk)
          this.sink.issue(
            'warning',
            'X12_MISSING_TERMINATOR',
            'last segment has no segment terminator (truncated input?)',
            {
              segmentIndex: this.count + 1,
              segmentId: this.idOf(buf.slice(pos, pos + 4)),
              byteOffset: this.base + pos,
            },
          );
        this.emit(buf.slice(pos), pos, high);
        pos = len;
        break;
      }
      if (end - pos > this.max) {
        this.skipping = false;
        this.tooLong(pos, true);
        pos = end + 1;
        continue;
      }
      this.emit(buf.slice(pos, end), pos, high);
      pos = end + 1;
    }
    this.buf = pos >= len ? '' : buf.slice(pos);
    this.base += Math.min(pos, len);
  }

  private emit(seg: string, pos: number, high: boolean): void {
    const d = this.delimiters as Delimiters;
    let last = seg.charCodeAt(seg.length - 1);
    while (seg.length > 0 && isBreak(last)) {
      seg = seg.slice(0, -1);
      last = seg.charCodeAt(seg.length - 1);
    }
    let utf8 = false;
    if (high && HIGH_BYTE.test(seg)) {
      // Only valid UTF-8 is re-decoded; other high bytes stay one character per byte.
      const raw = Buffer.from(seg, 'latin1');
      const decoded = raw.toString('utf8');
      if (Buffer.byteLength(decoded, 'utf8') === raw.length) {
        seg = decoded;
        utf8 = true;
      }
    }
    this.count++;
    this.sink.segment(seg.split(d.element), this.count, this.base + pos, utf8);
  }

  private idOf(text: string): string {
    const sep = this.delimiters?.element ?? '*';
    const i = text.indexOf(sep);
    const id = i < 0 ? text.slice(0, 3) : text.slice(0, i);
    return /^[A-Z][A-Z0-9]{1,2}$/.test(id) ? id : '?';
  }

  /** Reports a segment longer than the limit and arranges to skip to its terminator. */
  private tooLong(pos: number, terminated: boolean): void {
    const sep = this.delimiters?.element ?? '*';
    const prefix = this.buf.slice(pos, pos + this.max);
    let element = 0;
    let elementStart = 0;
    for (let i = prefix.indexOf(sep); i >= 0; i = prefix.indexOf(sep, i + 1)) {
      element++;
      elementStart = i + 1;
    }
    this.count++;
    this.sink.issue(
      'error',
      'X12_SEGMENT_TOO_LONG',
      `segment longer than ${this.max} bytes; skipped`,
      {
        segmentIndex: this.count,
        segmentId: this.idOf(prefix.slice(0, 4)),
        element: element === 0 ? undefined : element,
        byteOffset: this.base + pos + elementStart,
      },
    );
    this.skipping = !terminated;
  }

  /** Reads the ISA at pos and takes the delimiters from it. Returns the next position, or -1 to wait. */
  private readIsa(pos: number, final: boolean): number {
    const buf = this.buf;
    if (buf.length - pos < ISA_LENGTH + 8 && !final) {
      return -1;
    }
    const sep = buf[pos + 3];
    const segIndex = this.count + 1;
    const position = { segmentIndex: segIndex, segmentId: 'ISA', byteOffset: this.base + pos };
    let compAt = pos + 104;
    if (!ISA_SEPARATORS.every((i) => buf[pos + i] === sep)) {
      // Not fixed-length: find ISA16 by counting separators instead.
      let n = 0;
      let i = pos;
      while (n < 16 && i >= 0 && i - pos < 300) {
        i = buf.indexOf(sep, i + 1);
        n++;
      }
      if (n < 16 || i < 0 || i - pos >= 300) {
        return this.badIsa(pos, position, final);
      }
      compAt = i + 1;
      this.sink.issue('warning', 'X12_BAD_ISA', 'ISA is not fixed-length (106 bytes)', position);
    }
    const component = buf[compAt];
    let segment = buf[compAt + 1];
    if (
      component === undefined ||
      segment === undefined ||
      isAlnum(segment.charCodeAt(0)) ||
      segment === sep ||
      segment === component
    ) {
      return this.badIsa(pos, position, final);
    }
    let next = compAt + 2;
    if (isBreak(segment.charCodeAt(0))) {
      let j = next;
      while (j < buf.length && isBreak(buf.charCodeAt(j))) j++;
      const after = buf[j];
      if (
        after !== undefined &&
        !isAlnum(after.charCodeAt(0)) &&
        after !== sep &&
        !/\s/.test(after)
      ) {
        // e.g. "...*^\n~GS|..": the terminator sits at the start of each next line.
        this.sink.issue(
          'warning',
          'X12_ODD_DELIMITERS',
          'segment terminator follows the line break instead of preceding it',
          position,
        );
        segment = after;
        next = j + 1;
        this.terminatorLeads = true;
      } else if (segment === '\r' && buf[next] === '\n') {
        segment = '\r';
      }
    }
    const repetitionRaw = buf.slice(pos, compAt).split(sep)[11] ?? '';
    const repetition =
      repetitionRaw.length === 1 && !isAlnum(repetitionRaw.charCodeAt(0)) ? repetitionRaw : '';
    this.delimiters = { element: sep, component, repetition, segment };
    this.headerless = false;
    this.count++;
    this.sink.segment(buf.slice(pos, compAt + 1).split(sep), this.count, this.base + pos, false);
    return next;
  }

  private badIsa(pos: number, position: X12Position, final: boolean): number {
    if (this.delimiters === undefined) {
      throw new X12Error(
        'X12_BAD_ISA',
        'ISA segment is malformed; delimiters cannot be read',
        position,
      );
    }
    // A later broken ISA: keep the delimiters we have and let the envelope report it.
    this.sink.issue(
      'error',
      'X12_BAD_ISA',
      'ISA segment is malformed; keeping the previous delimiters',
      position,
    );
    const end = this.buf.indexOf(this.delimiters.segment, pos);
    if (end < 0 && !final) {
      return -1;
    }
    const stop = end < 0 ? this.buf.length : end;
    this.count++;
    this.sink.segment(
      this.buf.slice(pos, stop).split(this.delimiters.element),
      this.count,
      this.base + pos,
      false,
    );
    return stop + 1;
  }

  /** No ISA: guess delimiters from the first ST (or GS) segment. */
  private readHeaderless(pos: number, final: boolean): number {
    const buf = this.buf;
    if (buf.length - pos < 256 && !final) {
      return -1;
    }
    const sep = buf[pos + 2];
    let i = pos + 3;
    while (i < buf.length) {
      const ch = buf[i];
      const c = ch.charCodeAt(0);
      if (!isAlnum(c) && ch !== sep && c !== 32) break;
      i++;
    }
    let segment = buf[i] ?? '~';
    if (isBreak(segment.charCodeAt(0))) {
      let j = i;
      while (j < buf.length && isBreak(buf.charCodeAt(j))) j++;
      const after = buf[j];
      if (after !== undefined && !isAlnum(after.charCodeAt(0)) && after !== sep) segment = after;
    }
    // No ISA16: composites find their own separator (see compositeAt).
    this.delimiters = { element: sep, component: '', repetition: '', segment };
    this.headerless = true;
    this.sink.issue(
      'warning',
      'X12_ENVELOPE_MISSING',
      'no ISA interchange header; delimiters were inferred',
      {
        segmentIndex: 1,
        segmentId: buf.slice(pos, pos + 2),
        byteOffset: this.base + pos,
      },
    );
    return pos;
  }
}
