import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('project layout', () => {
  it('has the directories DEVELOPERS.md promises', () => {
    for (const dir of ['shared', 'signaling', 'web', 'test', 'bench', 'docs']) {
      expect(existsSync(new URL(`../../${dir}`, import.meta.url)), dir).toBe(true);
    }
  });
});
