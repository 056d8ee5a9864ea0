/** The image this person has chosen to send, or why the last choice was refused. */
import { readImageFile, type PickedImage } from '../image/intake.ts';
import { NOTHING_TO_USE, intakeMessage } from './messages.ts';

export class ImageChoice {
  /** Raw: the pixel buffer inside must not become a deep proxy. */
  picked = $state.raw<PickedImage | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  #generation = 0;

  async pick(file: File): Promise<void> {
    const generation = ++this.#generation;
    this.busy = true;
    this.error = null;
    try {
      const picked = await readImageFile(file);
      if (generation === this.#generation) this.picked = picked;
    } catch (err) {
      if (generation !== this.#generation) return;
      this.error = intakeMessage(file.name, err);
    } finally {
      if (generation === this.#generation) this.busy = false;
    }
  }

  /** The first image among dropped or pasted files; a message when there is none. */
  pickFrom(files: FileList | File[] | null | undefined): void {
    const list = [...(files ?? [])];
    const file = list.find((f) => f.type.startsWith('image/') || /\.bmp$/i.test(f.name)) ?? list[0];
    if (file) void this.pick(file);
    else this.error = NOTHING_TO_USE;
  }
}
