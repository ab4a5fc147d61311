// Opens one local HTML page in Debian's chromium (puppeteer-core, network off: every request
// that is not the page itself is refused and listed), runs axe-core in it, and prints one JSON
// object: { external: [urls asked for], violations: [{ id, impact, help, nodes }] }.
// Usage: node axe-check.mjs CHROMIUM PAGE.html [SCREENSHOT.png]
import puppeteer from "puppeteer-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const [, , chromium, page_path, screenshot] = process.argv;
const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const url = pathToFileURL(page_path).href;
  const external = [];
  await page.setOfflineMode(true);
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    if (req.url() === url) {
      req.continue();
    } else {
      external.push(req.url());
      req.abort();
    }
  });
  await page.setViewport({ width: 1280, height: 1400 });
  await page.goto(url, { waitUntil: "load" });
  const scripts = await page.evaluate(() => document.scripts.length);
  await page.evaluate(axe);
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }),
  );
  if (screenshot) {
    await page.screenshot({ path: screenshot });
  }
  console.log(
    JSON.stringify({
      external,
      scripts,
      violations: results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      })),
    }),
  );
} finally {
  await browser.close();
}
