// Runs alex on every sentence of tests/language-corpus/sentences.tsv and scores its flags
// against labels.tsv exactly as tests/language_corpus.rs scores peermark (per sentence).
import { readFileSync } from 'node:fs';
import { text as alexText } from 'alex';

const dir = new URL('../../tests/language-corpus/', import.meta.url);
const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(f, dir), 'utf8').split('\n').filter((l) => l.trim());
  const keys = head.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [keys[i], v])));
};
const sentences = rows('sentences.tsv');
const labels = Object.fromEntries(rows('labels.tsv').map((r) => [r.id, r]));
let tp = 0, fp = 0, fn = 0, tn = 0;
for (const s of sentences) {
  const gold = labels[s.id].lapse === '1';
  const file = alexText(s.sentence, { profanitySureness: 1 });
  const flagged = file.messages.length > 0;
  if (flagged && gold) tp++;
  else if (flagged) fp++;
  else if (gold) fn++;
  else tn++;
}
const p = tp / Math.max(tp + fp, 1);
const r = tp / Math.max(tp + fn, 1);
console.log(`alex on ${sentences.length} sentences: TP ${tp} FP ${fp} FN ${fn} TN ${tn}`);
console.log(`alex sentence-level precision ${p.toFixed(3)} recall ${r.toFixed(3)}`);
