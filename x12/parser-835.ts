/**
 * The envelope state machine (ISA/GS/ST .. SE/GE/IEA) on top of the segment scanner. It checks
 * control numbers and counts, hands the segments of each transaction to a TransactionBuilder
 * and emits transactions and issues through callbacks, so parse835 and stream835 share it.
 */
import type { BuildContext } from './claim-reader';
import { is, text } from './element-readers';
import type { X12Issue, X12IssueCode, X12Position, X12Severity } from './errors';
import { SegmentScanner, SegmentView, type SegmentSink } from './segment-scanner';
import { StringTable } from './string-table';
import { TransactionBuilder } from './transaction-builder';
import type { FunctionalGroup, Interchange, ParseOptions, Transaction835 } from './types';

/** Index of a 2-3 character [0-9A-Z] segment id in ID_TABLE; c is 0 for a 2-character id. */
function idIndex(a: number, b: number, c: number): number {
  return ((a - 48) * 43 + (b - 48)) * 44 + (c === 0 ? 43 : c - 48);
}

/** The segment ids of an 835 as constants, so reading an id allocates nothing. */
const ID_TABLE: (string | undefined)[] = new Array<string | undefined>(43 * 43 * 44).fill(
  undefined,
);
for (const id of 'ISA IEA GS GE ST SE BPR TRN CUR REF DTM N1 N2 N3 N4 PER RDM LX TS3 TS2 CLP CAS NM1 MIA MOA AMT QTY SVC LQ PLB'.split(
  ' ',
)) {
  ID_TABLE[idIndex(id.charCodeAt(0), id.charCodeAt(1), id.length === 3 ? id.charCodeAt(2) : 0)] =
    id;
}

function isIdChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** The id of the segment in view if it is [A-Z][A-Z0-9]{1,2}, else ''. */
function segmentId(v: SegmentView): string {
  const from = v.start;
  const n = (v.count > 1 ? v.starts[1] - 1 : v.end) - from;
  if (n < 2 || n > 3) return '';
  const bytes = v.bytes;
  const a = bytes[from];
  const b = bytes[from + 1];
  const c = n === 3 ? bytes[from + 2] : 0;
  if (a < 65 || a > 90 || !isIdChar(b) || (n === 3 && !isIdChar(c))) return '';
  return ID_TABLE[idIndex(a, b, c)] ?? v.text.slice(from, from + n);
}

const VERSION_5010 = '005010X221A1';
const VERSIONS_4010 = new Set(['004010X091A1', '004010X091']);

interface OpenInterchange {
  info: Interchange;
  groups: number;
}

interface OpenGroup {
  info: FunctionalGroup;
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
  /** The segment being read and its id ('?' when invalid, '' before the first). */
  view = new SegmentView();
  id = '';
  readonly scanner: SegmentScanner;
  readonly table = new StringTable();
  private interchange: OpenInterchange | undefined;
  private group: OpenGroup | undefined;
  private tx: OpenTransaction | undefined;
  private readonly interchangeNumbers = new Set<string>();
  private errors = 0;
  private sawTransaction = false;
  private readonly strict: boolean;
  private readonly maxErrors: number;

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
    const v = this.view;
    const position: X12Position = {
      segmentIndex: v.index,
      segmentId: this.id,
      byteOffset: element === undefined ? v.byteOffset : v.offsetOf(element),
    };
    if (element !== undefined) position.element = element;
    if (component !== undefined) position.component = component;
    this.issue(severity, code, message, position);
  }

  reportAt(severity: X12Severity, code: X12IssueCode, message: string, at: X12Position): void {
    this.issue(severity, code, message, at);
  }

  segment(view: SegmentView): void {
    this.view = view;
    const tx = this.tx;
    if (tx !== undefined) tx.segments++;
    const id = segmentId(view);
    if (id === '') {
      this.id = '?';
      this.report(
        'error',
        'X12_INVALID_SEGMENT_ID',
        'segment id is not 2-3 uppercase letters/digits',
      );
      return;
    }
    this.id = id;
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
    const f = (i: number) => text(this, i).trim();
    const control = f(13);
    if (!/^\d{9}$/.test(text(this, 13))) {
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
    if (!is(this, 1, 'HP')) {
      this.report(
        'error',
        'X12_INVALID_CODE',
        'GS01 must be HP (health care claim payment/advice)',
        1,
      );
    }
    const version = text(this, 8);
    this.checkVersion(version, 8);
    this.group = {
      info: {
        controlNumber: text(this, 6),
        senderCode: text(this, 2),
        receiverCode: text(this, 3),
        date: text(this, 4),
        time: text(this, 5),
        version,
      },
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
        `${this.id}${element === 8 ? '08' : '03'} is 4010 (${version}); read with the 5010 rules`,
        element,
      );
    } else {
      this.report(
        'error',
        'X12_UNSUPPORTED_VERSION',
        `${this.id}0${element} is not ${VERSION_5010}`,
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
    const controlNumber = text(this, 2);
    this.tx = { controlNumber, builder: undefined, segments: 1, errors: 0 };
    if (controlNumber === '')
      this.report('error', 'X12_MISSING_ELEMENT', 'ST02 is required but empty', 2);
    if (!is(this, 1, '835')) {
      this.report('error', 'X12_NOT_835', 'ST01 is not 835; transaction skipped', 1);
      return;
    }
    const st03 = text(this, 3);
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
    const count = text(this, 1);
    if (String(tx.segments) !== count.replace(/^0+(?=\d)/, '')) {
      this.report(
        'error',
        'X12_COUNT_MISMATCH',
        `SE01 says ${count || 'nothing'} segments, the transaction has ${tx.segments}`,
        1,
      );
    }
    if (!is(this, 2, tx.controlNumber)) {
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
    if (!is(this, 1, String(g.transactions))) {
      this.report(
        'error',
        'X12_COUNT_MISMATCH',
        `GE01 says ${text(this, 1) || 'nothing'} transactions, the group has ${g.transactions}`,
        1,
      );
    }
    if (!is(this, 2, g.info.controlNumber)) {
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
    if (!is(this, 1, String(x.groups))) {
      this.report(
        'error',
        'X12_COUNT_MISMATCH',
        `IEA01 says ${text(this, 1) || 'nothing'} groups, the interchange has ${x.groups}`,
        1,
      );
    }
    if (!is(this, 2, x.info.controlNumber)) {
      this.report('error', 'X12_CONTROL_NUMBER_MISMATCH', 'IEA02 does not match ISA13', 2);
    }
    this.interchange = undefined;
  }

  /** Called after the scanner's end(): whatever is still open was truncated. */
  finish(): void {
    if (this.stopped) return;
    const at = {
      segmentIndex: this.view.index,
      segmentId: this.id,
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
