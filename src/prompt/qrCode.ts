import QRCode from 'qrcode';

/** A QR code of `text` drawn with half-block characters, for a terminal. */
export async function terminalQrCode(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
