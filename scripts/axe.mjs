#!/usr/bin/env node
// axe-core on a local HTML file in headless Chromium (the system's, driven by
// puppeteer-core, which never downloads a browser), at one or more viewport widths.
//
//   node scripts/axe.mjs [--width 1280,320] [--screenshot PREFIX] FILE.html
//   node scripts/axe.mjs --version
//
// Prints JSON on stdout: [{ "width": 1280, "scrollWidth": 1280, "minChartFontPx": 13,
// "violations": [{ id, impact, help, helpUrl, nodes: [{ target, html, summary }] }] },
// ...] (scrollWidth: the page's width, wider than the viewport when it scrolls
// sideways; minChartFontPx: the smallest SVG text as drawn, in CSS pixels, null
// without a chart). Exit status: 0 when no
// width has a violation, 1 when one has, 2 on an error (a module, the browser or the
// file missing). --version prints the versions of axe-core and puppeteer-core and
// the browser's, and exits 0 when all three are there.
//
// The node modules (axe-core, puppeteer-core) are looked up in BETAGOUV_AXE_MODULES
// (a node_modules folder; .ci/run installs them under ~/.cache/betagouv-ci/axe), then
// in NODE_PATH and beside this script. The browser is BETAGOUV_CHROMIUM, else
// `chromium` on PATH. Rules: the tags wcag2a, wcag2aa, wcag21a, wcag21aa, best-practice.

import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

function fail(message) {
  process.stderr.write(`axe.mjs: ${message}\n`);
  process.exit(2);
}

function modules() {
  const dir = process.env.BETAGOUV_AXE_MODULES;
  const base = dir ? path.join(path.resolve(dir), "_") : import.meta.url;
  const require = createRequire(base);
  try {
    return {
      axePath: require.resolve("axe-core/axe.min.js"),
      axeVersion: require("axe-core/package.json").version,
      puppeteer: require("puppeteer-core"),
      puppeteerVersion: require("puppeteer-core/package.json").version,
    };
  } catch (e) {
    return fail(
      `axe-core or puppeteer-core not found (set BETAGOUV_AXE_MODULES to a node_modules folder holding them): ${e.message}`,
    );
  }
}

function chromium() {
  if (process.env.BETAGOUV_CHROMIUM) return process.env.BETAGOUV_CHROMIUM;
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const p = path.join(dir, "chromium");
    if (dir && existsSync(p)) return p;
  }
  return fail("no `chromium` on PATH (or set BETAGOUV_CHROMIUM)");
}

function parse(argv) {
  const o = { widths: [1280, 320], screenshot: null, file: null, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--version") o.version = true;
    else if (a === "--width") o.widths = (argv[++i] || "").split(",").map(Number);
    else if (a === "--screenshot") o.screenshot = argv[++i];
    else if (a.startsWith("--")) fail(`unknown option ${a}`);
    else o.file = a;
  }
  if (o.widths.some((w) => !Number.isInteger(w) || w <= 0)) fail("--width takes integers, e.g. 1280,320");
  if (!o.version && !o.file) fail("usage: axe.mjs [--width 1280,320] [--screenshot PREFIX] FILE.html");
  return o;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const m = modules();
  const browser = await m.puppeteer.launch({
    executablePath: chromium(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    if (o.version) {
      process.stdout.write(
        `axe-core ${m.axeVersion}\npuppeteer-core ${m.puppeteerVersion}\n${await browser.version()}\n`,
      );
      return 0;
    }
    const file = path.resolve(o.file);
    if (!existsSync(file)) fail(`no file ${file}`);
    const axeSource = readFileSync(m.axePath, "utf8");
    const results = [];
    for (const width of o.widths) {
      const page = await browser.newPage();
      await page.setViewport({ width, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.evaluate(axeSource);
      const r = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
        TAGS,
      );
      // What axe does not measure: whether the page scrolls sideways (WCAG 1.4.10
      // reflow), and the smallest chart text as drawn (an SVG's font size times its
      // scale on screen).
      const layout = await page.evaluate(() => {
        let min = null;
        for (const svg of document.querySelectorAll("svg[viewBox]")) {
          const box = svg.viewBox.baseVal;
          const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
          for (const t of svg.querySelectorAll("text")) {
            const px = parseFloat(getComputedStyle(t).fontSize) * scale;
            if (min === null || px < min) min = px;
          }
        }
        return {
          scrollWidth: document.documentElement.scrollWidth,
          minChartFontPx: min === null ? null : Math.round(min * 100) / 100,
        };
      });
      if (o.screenshot) await page.screenshot({ path: `${o.screenshot}-${width}.png`, fullPage: true });
      results.push({
        width,
        scrollWidth: layout.scrollWidth,
        minChartFontPx: layout.minChartFontPx,
        violations: r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
        })),
      });
      await page.close();
    }
    process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
    return results.some((r) => r.violations.length > 0) ? 1 : 0;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => fail(e && e.stack ? e.stack : String(e)),
);
