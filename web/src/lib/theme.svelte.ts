/** Light, dark, or whatever the system prefers; the choice is remembered on this device. */

export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'pixeldrop:theme';
const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export class Theme {
  choice = $state<ThemeChoice>(readStored());

  constructor() {
    this.#apply();
  }

  cycle(): void {
    this.choice = NEXT[this.choice];
    localStorage.setItem(STORAGE_KEY, this.choice);
    this.#apply();
  }

  /** `data-theme` on <html> overrides prefers-color-scheme in the stylesheet; absent = system. */
  #apply(): void {
    if (this.choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}

function readStored(): ThemeChoice {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}
