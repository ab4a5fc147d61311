// One process, many essays: loads alex or write-good once, then lints every file named in
// LIST (one path a line) through the package's own API, as its CLI would (alex: plain text,
// default options; write-good: default checks). Prints one JSON line with the counts.
// Usage: node batch.mjs alex|write-good LIST
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [tool, list] = process.argv.slice(2);
const t0 = performance.now();
let lint;
if (tool === 'alex') {
  const { text } = await import('alex');
  lint = (s) => text(s).messages.length;
} else if (tool === 'write-good') {
  const writeGood = (await import('write-good')).default;
  lint = (s) => writeGood(s).length;
} else {
  console.error(`unknown tool ${tool}`);
  process.exit(2);
}
const t1 = performance.now();
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
let findings = 0;
for (const f of files) findings += lint(readFileSync(f, 'utf8'));
const t2 = performance.now();
console.log(JSON.stringify({ essays: files.length, load_ms: t1 - t0, loop_ms: t2 - t1, findings }));
