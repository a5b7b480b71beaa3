/**
 * Finds segments and elements in latin1-decoded text. Working in latin1 makes a character
 * index equal to a byte offset, so every position we report is a true byte offset; values of
 * segments holding valid multi-byte UTF-8 are re-decoded as UTF-8 when they are read.
 *
 * Nothing is split: each segment is handed over as a view (where it is and where each element
 * starts), so only the values a reader keeps are ever allocated.
 *
 * The scanner is incremental: the streaming API pushes chunks, parse835 pushes everything at
 * once. It never buffers more than one segment (capped by maxSegmentLength) beyond a chunk.
 */
import { isUtf8 } from 'node:buffer';
import { X12Error, type X12IssueCode, type X12Position, type X12Severity } from './errors';
import type { Delimiters } from './types';

/** The segment being read; reused for every segment, valid only during SegmentSink.segment. */
export class SegmentView {
  text = '';
  /** The same input as bytes (bytes[i] === text.charCodeAt(i)): faster to scan. */
  bytes: Uint8Array = EMPTY_BYTES;
  /** Index in text of the segment id, and one past its last character (line breaks trimmed). */
  start = 0;
  end = 0;
  /** Elements, the id included: what text.slice(start, end).split(separator) would return. */
  count = 0;
  /** starts[i] is the index in text where element i begins; starts[count] is end + 1. */
  starts: Int32Array = new Int32Array(64);
  /** 1-based number of the segment in the input, and the byte offset of its start. */
  index = 0;
  byteOffset = 0;
  /** The segment holds valid multi-byte UTF-8: values must be decoded before use. */
  utf8 = false;

  /** Index in text where element i ends (exclusive); only for i < count. */
  endOf(i: number): number {
    return this.starts[i + 1] - 1;
  }

  /** Byte offset of element i, or of the end of the segment when it has no element i. */
  offsetOf(i: number): number {
    return this.byteOffset + (i < this.count ? this.starts[i] : this.end) - this.start;
  }

  set(text: string, bytes: Uint8Array, start: number, end: number, separator: number): void {
    this.text = text;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    let starts = this.starts;
    let n = 0;
    starts[0] = start;
    for (let p = start; p < end; p++) {
      if (bytes[p] !== separator) continue;
      if (n + 2 >= starts.length) starts = this.grow();
      starts[++n] = p + 1;
    }
    starts[n + 1] = end + 1;
    this.count = n + 1;
  }

  private grow(): Int32Array {
    const bigger = new Int32Array(this.starts.length * 2);
    bigger.set(this.starts);
    this.starts = bigger;
    return bigger;
  }
}

export interface SegmentSink {
  segment(view: SegmentView): void;
  issue(severity: X12Severity, code: X12IssueCode, message: string, position: X12Position): void;
  /** Set by the sink to make the scanner drop the rest of the input. */
  readonly stopped: boolean;
}

const ISA_LENGTH = 106;
// Positions of the 16 element separators in a fixed-length ISA.
const ISA_SEPARATORS = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];
const HIGH_BYTES = /[\u0080-\u00ff]/g;
const EMPTY_BYTES = new Uint8Array(0);

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
  /** buf as bytes, kept in step with it. */
  private bytes: Uint8Array = EMPTY_BYTES;
  /** buf holds only ASCII (no segment needs a UTF-8 check). */
  private ascii = true;
  /** Index in buf of the next byte >= 0x80 at or after the segment being read, -1 if unknown. */
  private nextHigh = -1;
  private readonly view = new SegmentView();
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

  /**
   * chunk: latin1 text (one character per byte); bytes: the same bytes; ascii: whether they
   * hold no byte >= 0x80 (the caller knows it cheaply).
   */
  push(chunk: string, bytes: Uint8Array, ascii: boolean): void {
    if (this.sink.stopped) {
      return;
    }
    let from = 0;
    if (this.skipping) {
      from = this.skipRest(chunk);
      if (from < 0) {
        return;
      }
    }
    const d = this.delimiters;
    if (this.buf.length > 0 && this.started && d !== undefined && chunk.length - from > 256) {
      // Finish the segment cut by the previous chunk on its own, then scan the new chunk in
      // place: concatenating the whole chunk to the remainder would copy every chunk once more
      // and keep both copies alive.
      const t = chunk.indexOf(d.segment, from);
      if (t >= 0 && t + 1 < chunk.length) {
        this.append(chunk.slice(from, t + 1), bytes.subarray(from, t + 1), ascii);
        this.drain(false);
        if (this.buf.length > 0 || this.skipping) {
          this.push(chunk.slice(t + 1), bytes.subarray(t + 1), ascii);
          return;
        }
        from = t + 1;
        this.base -= from;
      }
    }
    if (this.buf.length === 0) {
      // Read in place from `from` (a slice would be a V8 sliced string, slower to read).
      this.buf = chunk;
      this.bytes = bytes;
      this.ascii = ascii;
      this.drain(false, from);
    } else {
      this.append(chunk.slice(from), bytes.subarray(from), ascii);
      this.drain(false);
    }
  }

  private append(chunk: string, bytes: Uint8Array, ascii: boolean): void {
    this.buf = this.buf + chunk;
    const joined = new Uint8Array(this.bytes.length + bytes.length);
    joined.set(this.bytes);
    joined.set(bytes, this.bytes.length);
    this.bytes = joined;
    this.ascii = this.ascii && ascii;
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

  /** Skips the rest of a too-long segment: where chunk goes on after it, or -1. */
  private skipRest(chunk: string): number {
    const term = this.delimiters?.segment ?? '~';
    const i = chunk.indexOf(term);
    if (i < 0) {
      this.base += chunk.length;
      return -1;
    }
    this.skipping = false;
    return i + 1;
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
    this.bytes = this.bytes.subarray(start);
    this.base += start;
    this.started = true;
    return true;
  }

  /** Reads every complete segment in buf from `from` on; keeps the rest for the next chunk. */
  private drain(final: boolean, from = 0): void {
    if (!this.started && !this.checkStart(final)) {
      return;
    }
    const buf = this.buf;
    const bytes = this.bytes;
    const len = buf.length;
    let pos = from;
    this.nextHigh = -1;
    while (!this.sink.stopped) {
      let c = bytes[pos];
      while (pos < len && (c === 10 || c === 13 || c === 32 || c === 9)) {
        c = bytes[++pos];
      }
      if (pos >= len) {
        break;
      }
      const d = this.delimiters;
      if (
        d === undefined ||
        (c === 73 && bytes[pos + 1] === 83 && bytes[pos + 2] === 65 && !isAlnum(bytes[pos + 3]))
      ) {
        const next =
          d === undefined && c !== 73 ? this.readHeaderless(pos, final) : this.readIsa(pos, final);
        if (next < 0) {
          break;
        }
        pos = next;
        continue;
      }
      // Native indexOf finds the terminator faster than a second test per byte in the loop
      // that finds the element separators (measured: bench/x12/README.md).
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
        const leadsOk = this.terminatorLeads && isBreak(bytes[len - 1]);
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
        this.emit(pos, len);
        pos = len;
        break;
      }
      if (end - pos > this.max) {
        this.skipping = false;
        this.tooLong(pos, true);
        pos = end + 1;
        continue;
      }
      this.emit(pos, end);
      pos = end + 1;
    }
    if (pos >= len) {
      this.buf = '';
      this.bytes = EMPTY_BYTES;
      this.ascii = true;
    } else {
      this.buf = buf.slice(pos);
      this.bytes = bytes.subarray(pos);
    }
    this.base += Math.min(pos, len);
  }

  private emit(start: number, end: number): void {
    const bytes = this.bytes;
    while (end > start && isBreak(bytes[end - 1])) end--;
    this.count++;
    this.sendView(start, end, (this.delimiters as Delimiters).element, this.isUtf8(start, end));
  }

  private sendView(start: number, end: number, separator: string, utf8: boolean): void {
    const v = this.view;
    v.set(this.buf, this.bytes, start, end, separator.charCodeAt(0));
    v.index = this.count;
    v.byteOffset = this.base + start;
    v.utf8 = utf8;
    this.sink.segment(v);
  }

  /** Only valid UTF-8 is decoded; other high bytes stay one character per byte. */
  private isUtf8(start: number, end: number): boolean {
    if (this.ascii) return false;
    if (this.nextHigh < start) {
      HIGH_BYTES.lastIndex = start;
      const m = HIGH_BYTES.exec(this.buf);
      this.nextHigh = m === null ? Infinity : m.index;
    }
    if (this.nextHigh >= end) return false;
    return isUtf8(Buffer.from(this.buf.slice(start, end), 'latin1'));
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
    this.sendView(pos, compAt + 1, sep, false);
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
    this.sendView(pos, stop, this.delimiters.element, false);
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
