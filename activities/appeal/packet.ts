import PDFDocument from 'pdfkit';

export interface PacketContent {
  title: string;
  letter: { subject: string; body: string };
  /** Label/value rows: claim numbers, dates of service, amounts, codes with descriptions. */
  facts: [string, string][];
  attachments: string[];
  createdAt: Date;
}

/**
 * The appeal packet as a PDF: the approved letter, then a claim summary page
 * and the list of attachments the payer should expect.
 */
export function renderPacket(content: PacketContent): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 72,
      info: { Title: content.title, Creator: 'claimflow', CreationDate: content.createdAt },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.font('Helvetica-Bold').fontSize(13).text(content.letter.subject);
    doc.moveDown();
    doc.font('Helvetica').fontSize(11).text(content.letter.body, { align: 'left', lineGap: 2 });

    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(13).text('Claim summary');
    doc.moveDown(0.5);
    for (const [label, value] of content.facts) {
      doc.font('Helvetica-Bold').fontSize(10).text(`${label}: `, { continued: true });
      doc.font('Helvetica').text(value);
    }
    if (content.attachments.length) {
      doc.moveDown();
      doc.font('Helvetica-Bold').fontSize(13).text('Enclosures');
      doc.font('Helvetica').fontSize(10);
      content.attachments.forEach((a, i) => doc.text(`${i + 1}. ${a}`));
    }
    doc.end();
  });
}
