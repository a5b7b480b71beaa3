/**
 * The envelope state machine (ISA/GS/ST .. SE/GE/IEA) on top of the segment scanner. It checks
 * control numbers and counts, hands the segments of each transaction to a TransactionBuilder
 * and emits transactions and issues through callbacks, so parse835 and stream835 share it.
 */
import type { BuildContext, SegAt } from './claim-reader';
import type { X12Issue, X12IssueCode, X12Position, X12Severity } from './errors';
import { SegmentScanner, type SegmentSink } from './segment-scanner';
import { TransactionBuilder } from './transaction-builder';
import type { FunctionalGroup, Interchange, ParseOptions, Transaction835 } from './types';

/** [A-Z][A-Z0-9]{1,2}, without a regex on the per-segment path. */
function isSegmentId(id: string): boolean {
  const n = id.length;
  if (n < 2 || n > 3) return false;
  const a = id.charCodeAt(0);
  if (a < 65 || a > 90) return false;
  for (let i = 1; i < n; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}
const VERSION_5010 = '005010X221A1';
const VERSIONS_4010 = new Set(['004010X091A1', '004010X091']);

interface OpenInterchange {
  info: Interchange;
  at: SegAt;
  groups: number;
}

interface OpenGroup {
  info: FunctionalGroup;
  at: SegAt;
  transactions: number;
}

interface OpenTransaction {
  controlNumber: string;
  builder: TransactionBuilder | undefined;
  segments: number;
  errors: number;
}

export class Parser835 implements SegmentSink, BuildContext {
  stopped = false;
  seg: string[] = [];
  readonly scanner: SegmentScanner;
  private index = 0;
  private offset = 0;
  private utf8 = false;
  private interchange: OpenInterchange | undefined;
  private group: OpenGroup | undefined;
  private tx: OpenTransaction | undefined;
  private readonly interchangeNumbers = new Set<string>();
  private errors = 0;
  private sawTransaction = false;
  private readonly strict: boolean;
  private readonly maxErrors: number;
  /** Per parse, never module-wide: interned values include names (PHI) that must not outlive it. */
  private readonly strings = new Map<string, string>();

  constructor(
    private readonly onTransaction: (t: Transaction835) => void,
    private readonly onIssue: (i: X12Issue) => void,
    private readonly options: ParseOptions = {},
  ) {
    this.strict = options.strict === true;
    this.maxErrors = options.maxErrors ?? 10000;
    this.scanner = new SegmentScanner(this, options.maxSegmentLength);
  }

  get componentSeparator(): string {
    return this.scanner.delimiters?.component ?? ':';
  }

  intern(value: string): string {
    // 1- and 2-character strings are already shared by V8; 13+ would be slices of the input.
    const n = value.length;
    if (n < 3 || n > 12) return value;
    const seen = this.strings.get(value);
    if (seen !== undefined) return seen;
    if (this.strings.size >= 16384) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }

  here(): SegAt {
    return {
      segmentIndex: this.index,
      byteOffset: this.offset,
      elements: this.seg,
      utf8: this.utf8,
    };
  }

  issue(severity: X12Severity, code: X12IssueCode, message: string, position: X12Position): void {
    if (this.stopped) return;
    if (severity === 'warning' && this.strict) severity = 'error';
    if (this.tx !== undefined && position.transactionControlNumber === undefined) {
      position.transactionControlNumber = this.tx.controlNumber;
    }
    if (this.options.fileName !== undefined) position.fileName = this.options.fileName;
    if (severity === 'error') {
      this.errors++;
      if (this.tx !== undefined) this.tx.errors++;
    }
    this.onIssue({ severity, code, message, position });
    if (this.errors >= this.maxErrors) {
      this.onIssue({
        severity: 'error',
        code: 'X12_TOO_MANY_ISSUES',
        message: `stopped after ${this.errors} errors`,
        position: { ...position, element: undefined, component: undefined },
      });
      this.stopped = true;
    }
  }

  report(
    severity: X12Severity,
    code: X12IssueCode,
    message: string,
    element?: number,
    component?: number,
  ): void {
    this.reportAt(severity, code, message, this.here(), element, component);
  }

  reportAt(
    severity: X12Severity,
    code: X12IssueCode,
    message: string,
    at: SegAt,
    element?: number,
    component?: number,
  ): void {
    let byteOffset = at.byteOffset;
    if (element !== undefined) {
      // An absent element is placed at the end of its segment.
      const n = Math.min(element, at.elements.length);
      for (let k = 0; k < n; k++) {
        byteOffset +=
          (at.utf8 ? Buffer.byteLength(at.elements[k], 'utf8') : at.elements[k].length) + 1;
      }
      if (element >= at.elements.length) byteOffset--;
    }
    const position: X12Position = {
      segmentIndex: at.segmentIndex,
      segmentId: at.elements[0] ?? '',
      byteOffset,
    };
    if (element !== undefined) position.element = element;
    if (component !== undefined) position.component = component;
    this.issue(severity, code, message, position);
  }

  segment(elements: string[], index: number, byteOffset: number, utf8: boolean): void {
    this.seg = elements;
    this.utf8 = utf8;
    this.index = index;
    this.offset = byteOffset;
    const id = elements[0];
    const tx = this.tx;
    if (tx !== undefined) tx.segments++;
    if (!isSegmentId(id)) {
      this.seg = ['?'];
      this.report(
        'error',
        'X12_INVALID_SEGMENT_ID',
        'segment id is not 2-3 uppercase letters/digits',
      );
      return;
    }
    switch (id) {
      case 'ISA':
        return this.isa();
      case 'GS':
        return this.gs();
      case 'ST':
        return this.st();
      case 'SE':
        return this.se();
      case 'GE':
        return this.ge();
      case 'IEA':
        return this.iea();
    }
    if (tx === undefined) {
      this.report('error', 'X12_UNEXPECTED_SEGMENT', `${id} is outside a transaction (ST..SE)`);
    } else if (tx.builder !== undefined) {
      tx.builder.segment(id);
    }
  }

  private isa(): void {
    if (this.interchange !== undefined) {
      this.report('error', 'X12_MISSING_TRAILER', 'IEA missing before the next ISA');
      this.closeGroup(false);
      this.interchange = undefined;
    }
    const e = this.seg;
    const f = (i: number) => (e[i] ?? '').trim();
    const control = f(13);
    if (!/^\d{9}$/.test(e[13] ?? '')) {
      this.report('error', 'X12_BAD_ISA', 'ISA13 must be a 9-digit control number', 13);
    }
    if (this.interchangeNumbers.has(control)) {
      this.report(
        'warning',
        'X12_DUPLICATE_CONTROL_NUMBER',
        'ISA13 repeats an earlier interchange control number in this input',
        13,
      );
    }
    if (this.interchangeNumbers.size < 100000) this.interchangeNumbers.add(control);
    this.interchange = {
      info: {
        controlNumber: control,
        senderQualifier: f(5),
        senderId: f(6),
        receiverQualifier: f(7),
        receiverId: f(8),
        date: f(9),
        time: f(10),
        version: f(12),
        usageIndicator: f(15),
      },
      at: this.here(),
      groups: 0,
    };
  }

  private gs(): void {
    this.closeGroup(true);
    if (this.interchange === undefined && !this.scanner.headerless) {
      this.report(
        'error',
        'X12_UNEXPECTED_SEGMENT',
        'GS is outside an interchange (no ISA before it)',
      );
    }
    const e = this.seg;
    if ((e[1] ?? '') !== 'HP') {
      this.report(
        'error',
        'X12_INVALID_CODE',
        'GS01 must be HP (health care claim payment/advice)',
        1,
      );
    }
    const version = e[8] ?? '';
    this.checkVersion(version, 8);
    this.group = {
      info: {
        controlNumber: e[6] ?? '',
        senderCode: e[2] ?? '',
        receiverCode: e[3] ?? '',
        date: e[4] ?? '',
        time: e[5] ?? '',
        version,
      },
      at: this.here(),
      transactions: 0,
    };
    if (this.interchange !== undefined) this.interchange.groups++;
  }

  private checkVersion(version: string, element: number): void {
    if (version === VERSION_5010 || version === '') return;
    if (VERSIONS_4010.has(version)) {
      this.report(
        'warning',
        'X12_VERSION_4010',
        `${this.seg[0]}${element === 8 ? '08' : '03'} is 4010 (${version}); read with the 5010 rules`,
        element,
      );
    } else {
      this.report(
        'error',
        'X12_UNSUPPORTED_VERSION',
        `${this.seg[0]}0${element} is not ${VERSION_5010}`,
        element,
      );
    }
  }

  private st(): void {
    if (this.tx !== undefined) {
      this.report('error', 'X12_MISSING_TRAILER', 'SE missing before the next ST');
      this.finishTransaction();
    }
    if (this.group === undefined && !this.scanner.headerless) {
      this.report(
        'error',
        'X12_UNEXPECTED_SEGMENT',
        'ST is outside a functional group (no GS before it)',
      );
    }
    if (this.group !== undefined) this.group.transactions++;
    this.sawTransaction = true;
    const e = this.seg;
    const controlNumber = e[2] ?? '';
    this.tx = { controlNumber, builder: undefined, segments: 1, errors: 0 };
    if (controlNumber === '')
      this.report('error', 'X12_MISSING_ELEMENT', 'ST02 is required but empty', 2);
    if ((e[1] ?? '') !== '835') {
      this.report('error', 'X12_NOT_835', 'ST01 is not 835; transaction skipped', 1);
      return;
    }
    const st03 = e[3] ?? '';
    const gs08 = this.group?.info.version ?? '';
    if (st03 !== '') {
      if (gs08 !== '' && st03 !== gs08) {
        this.report('error', 'X12_UNSUPPORTED_VERSION', 'ST03 differs from GS08', 3);
      } else if (gs08 === '') {
        this.checkVersion(st03, 3);
      }
    }
    this.tx.builder = new TransactionBuilder(
      this,
      controlNumber,
      st03 || gs08,
      this.interchange?.info,
      this.group?.info,
    );
  }

  private se(): void {
    const tx = this.tx;
    if (tx === undefined) {
      this.report('error', 'X12_UNEXPECTED_SEGMENT', 'SE without a matching ST');
      return;
    }
    const e = this.seg;
    const count = e[1] ?? '';
    if (String(tx.segments) !== count.replace(/^0+(?=\d)/, '')) {
      this.report(
        'error',
        'X12_COUNT_MISMATCH',
        `SE01 says ${count || 'nothing'} segments, the transaction has ${tx.segments}`,
        1,
      );
    }
    if ((e[2] ?? '') !== tx.controlNumber) {
      this.report('error', 'X12_CONTROL_NUMBER_MISMATCH', 'SE02 does not match ST02', 2);
    }
    this.finishTransaction();
  }

  private finishTransaction(): void {
    const tx = this.tx;
    if (tx === undefined) return;
    const t = tx.builder?.finish();
    this.tx = undefined;
    if (t !== undefined) {
      t.valid = tx.errors === 0;
      this.onTransaction(t);
    }
  }

  private closeGroup(reportMissing: boolean): void {
    if (this.tx !== undefined) {
      this.report('error', 'X12_MISSING_TRAILER', 'SE missing before this segment');
      this.finishTransaction();
    }
    if (this.group !== undefined && reportMissing) {
      this.report('error', 'X12_MISSING_TRAILER', 'GE missing before this segment');
    }
    this.group = undefined;
  }

  private ge(): void {
    if (this.tx !== undefined) {
      this.report('error', 'X12_MISSING_TRAILER', 'SE missing before GE');
      this.finishTransaction();
    }
    const g = this.group;
    if (g === undefined) {
      this.report('error', 'X12_UNEXPECTED_SEGMENT', 'GE without a matching GS');
      return;
    }
    const e = this.seg;
    if ((e[1] ?? '') !== String(g.transactions)) {
      this.report(
        'error',
        'X12_COUNT_MISMATCH',
        `GE01 says ${e[1] || 'nothing'} transactions, the group has ${g.transactions}`,
        1,
      );
    }
    if ((e[2] ?? '') !== g.info.controlNumber) {
      this.report('error', 'X12_CONTROL_NUMBER_MISMATCH', 'GE02 does not match GS06', 2);
    }
    this.group = undefined;
  }

  private iea(): void {
    this.closeGroup(true);
    const x = this.interchange;
    if (x === undefined) {
      this.report('error', 'X12_UNEXPECTED_SEGMENT', 'IEA without a matching ISA');
      return;
    }
    const e = this.seg;
    if ((e[1] ?? '') !== String(x.groups)) {
      this.report(
        'error',
        'X12_COUNT_MISMATCH',
        `IEA01 says ${e[1] || 'nothing'} groups, the interchange has ${x.groups}`,
        1,
      );
    }
    if ((e[2] ?? '') !== x.info.controlNumber) {
      this.report('error', 'X12_CONTROL_NUMBER_MISMATCH', 'IEA02 does not match ISA13', 2);
    }
    this.interchange = undefined;
  }

  /** Called after the scanner's end(): whatever is still open was truncated. */
  finish(): void {
    if (this.stopped) return;
    const at = {
      segmentIndex: this.index,
      segmentId: this.seg[0] ?? '',
      byteOffset: this.scanner.bytesSeen,
    };
    if (this.tx !== undefined) {
      this.issue(
        'error',
        'X12_MISSING_TRAILER',
        'input ends inside a transaction: SE missing (truncated?)',
        { ...at },
      );
      this.finishTransaction();
    }
    if (this.group !== undefined) {
      this.issue(
        'error',
        'X12_MISSING_TRAILER',
        'input ends inside a functional group: GE missing',
        { ...at },
      );
      this.group = undefined;
    }
    if (this.interchange !== undefined) {
      this.issue('error', 'X12_MISSING_TRAILER', 'input ends inside an interchange: IEA missing', {
        ...at,
      });
      this.interchange = undefined;
    }
    if (!this.sawTransaction) {
      this.issue('error', 'X12_NO_TRANSACTION', 'input holds no ST transaction', { ...at });
    }
  }
}
