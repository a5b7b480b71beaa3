import { renderPacket } from './packet';

describe('renderPacket', () => {
  it('renders a two-page PDF with the letter and the claim summary', async () => {
    const pdf = await renderPacket({
      title: 'Appeal',
      letter: {
        subject: 'Request for redetermination',
        body: 'Dear reviewer,\n\nPlease reconsider.',
      },
      facts: [
        ['Payer claim number', 'ICN-0001'],
        ['Denied', 'CO-50: not medically necessary'],
      ],
      attachments: ['Medical records'],
      createdAt: new Date('2026-01-02T00:00:00Z'),
    });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect((text.match(/\/Type \/Page\b/g) ?? []).length).toBe(2);
  });

  it('still produces a valid PDF with an empty letter and no attachments', async () => {
    const pdf = await renderPacket({
      title: 'Appeal',
      letter: { subject: 'S', body: '' },
      facts: [],
      attachments: [],
      createdAt: new Date(0),
    });
    expect(pdf.length).toBeGreaterThan(500);
  });
});
