/** The one place where failure codes become words: every intake code, worded as the page shows it. */
import { describe, expect, it } from 'vitest';
import { IntakeError } from '../../../web/src/image/intake.ts';
import { intakeMessage } from '../../../web/src/lib/messages.ts';

describe('intakeMessage', () => {
  it('words every intake code with the file name and what the code needs', () => {
    const cases: [IntakeError, string][] = [
      [new IntakeError('EMPTY', 'a.bmp'), '“a.bmp” is empty.'],
      [new IntakeError('FILE_TOO_LARGE', 'a.bmp'), '“a.bmp” is larger than 512 MB.'],
      [new IntakeError('TOO_MANY_PIXELS', 'a.png', '8000×6000'), '“a.png” has 8000×6000 pixels; the limit is 33,554,432 pixels.'],
      [new IntakeError('NOT_AN_IMAGE', 'a.txt'), '“a.txt” is not an image this browser can open.'],
      [new IntakeError('NO_OFFSCREEN_CANVAS', 'a.png'), 'This browser cannot draw images off screen.'],
      [new IntakeError('BAD_BMP', 'a.bmp', 'file is truncated (at byte 14)'), '“a.bmp” cannot be read as a BMP: file is truncated (at byte 14).'],
      [new IntakeError('UNSUPPORTED_BMP', 'a.bmp', 'embedded JPEG'), '“a.bmp” cannot be read as a BMP: embedded JPEG.'],
      [new IntakeError('BMP_TOO_LARGE', 'a.bmp', 'too many pixels'), '“a.bmp” cannot be read as a BMP: too many pixels.'],
    ];
    for (const [error, words] of cases) expect(intakeMessage('other name', error)).toBe(words);
  });

  it('says a file could not be read when what failed is no intake error', () => {
    expect(intakeMessage('a.bmp', new TypeError('boom'))).toBe('“a.bmp” could not be read.');
  });
});
