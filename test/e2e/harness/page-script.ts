/**
 * Code that runs inside a page is written as a TypeScript module (type-checked with the DOM lib)
 * and handed to the page as a classic script that publishes the module's exports on `window`.
 * Passing functions to `page.evaluate` instead breaks under tsx, whose keep-names transform makes
 * them call a `__name` helper that does not exist in the page.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** The module at `source` (no imports: it runs alone in the page) as a script that sets `window[globalName]`. */
export function pageScript(source: URL, globalName: string): string {
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
    fileName: source.pathname,
  });
  return `(() => { const exports = {}; const module = { exports };\n${outputText}\nwindow[${JSON.stringify(globalName)}] = module.exports; })();`;
}
