// Browser tests of site search on a built pactum site (the bundled example).
//
//   node tests/browser/search.mjs SITE_DIR
//
// Serves SITE_DIR on 127.0.0.1 with a strict Content-Security-Policy
// (default-src 'self') and drives Debian's Chromium (/usr/bin/chromium, or
// $CHROMIUM) through playwright-core: suggestions while typing, keyboard
// choice, the results page with facets and the hidden-history toggle,
// following a result to its heading, an XSS query shown as text, the page
// without JavaScript, and the file:// fallback (no worker, index as scripts).
// Prints one PASS/FAIL line per check and "N passed, N failed" last; exits 1
// if anything failed.

import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";

import { serve } from "./serve.mjs";

const siteArg = process.argv[2];
if (!siteArg || !existsSync(path.join(siteArg, "soeg", "index.html"))) {
  console.error("usage: node tests/browser/search.mjs SITE_DIR   (a built site with soeg/index.html)");
  process.exit(2);
}
const SITE = path.resolve(siteArg);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const results = [];
async function check(name, fn) {
  let failures;
  try {
    failures = (await fn()) || [];
  } catch (err) {
    failures = [`threw: ${(err && err.stack) || err}`];
  }
  results.push({ name, failures });
  console.log(`${failures.length ? "FAIL" : "PASS"}  ${name}`);
  for (const f of failures) console.log(`      ${String(f).replace(/\n/g, "\n      ")}`);
}

/** Collects script errors, CSP violations, failed and third-party requests of a page. */
function watch(page, origin) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon/.test((m.location() || {}).url || "")) problems.push(`console: ${m.text()}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("file:") && !u.startsWith("data:")) problems.push(`third-party request: ${u}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  return problems;
}

const server = await serve(SITE, { "content-security-policy": CSP });
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });

try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });

  await check("suggestions appear while typing and the keyboard opens one", async () => {
    const f = [];
    const page = await context.newPage();
    const problems = watch(page, ORIGIN);
    await page.goto(`${ORIGIN}/index.html`);
    const box = page.locator("#site-search-q");
    await box.click();
    await box.pressSequentially("sambo", { delay: 30 });
    const list = page.locator("#site-search-q-suggestions");
    await list.locator("[role=option]").first().waitFor({ timeout: 5000 });
    if ((await box.getAttribute("aria-expanded")) !== "true") f.push("aria-expanded is not true");
    const first = await list.locator("[role=option]").first().innerText();
    if (!first.includes("SAM:BO")) f.push(`first suggestion: ${first}`);
    if (page.workers().length < 1) f.push("search does not run in a Web Worker over http");
    await box.press("ArrowDown");
    const active = await box.getAttribute("aria-activedescendant");
    if (!active) f.push("no aria-activedescendant after ArrowDown");
    await Promise.all([page.waitForURL(/aftaler\/sambo\/index\.html$/), box.press("Enter")]);
    f.push(...problems);
    await page.close();
    return f;
  });

  await check("a heading suggestion leads to the heading", async () => {
    const f = [];
    const page = await context.newPage();
    const problems = watch(page, ORIGIN);
    await page.goto(`${ORIGIN}/forloebsprogrammer/fp-kol/index.html`);
    const box = page.locator("#site-search-q");
    await box.click();
    await box.pressSequentially("svartid", { delay: 30 });
    const head = page.locator(".search-option-head", { hasText: "Svartid" }).first();
    await head.waitFor({ timeout: 5000 });
    await Promise.all([page.waitForURL(/aftaler\/sambo\/index\.html#svartid$/), head.click()]);
    if ((await page.locator("#svartid").count()) !== 1) f.push("no #svartid on the page");
    f.push(...problems);
    await page.close();
    return f;
  });

  await check("the results page shows hits per heading, facet counts and filters", async () => {
    const f = [];
    const page = await context.newPage();
    const problems = watch(page, ORIGIN);
    await page.goto(`${ORIGIN}/index.html`);
    const box = page.locator("#site-search-q");
    await box.fill("henvisninger til psykiatrien");
    await Promise.all([page.waitForURL(/soeg\/index\.html\?q=/), box.press("Enter")]);
    await page.locator(".search-hit").first().waitFor({ timeout: 5000 });
    const titles = await page.locator(".search-hit-title").allInnerTexts();
    if (!titles.slice(0, 3).some((t) => /psykisk lidelse|gode henvisning/.test(t))) f.push(`top titles: ${titles.join(" | ")}`);
    const status = await page.locator("#search-status").innerText();
    if (!/\d+ dokument/.test(status)) f.push(`status: ${status}`);
    if (!(await page.locator("#search-browse").isHidden())) f.push("the A–Å list is still shown");
    if ((await page.locator(".search-snippet mark").count()) === 0) f.push("no highlighted words in snippets");
    await page.locator(".search-facets-title").click();
    const kinds = page.locator(".search-facet-kind input[type=checkbox]");
    const n = await kinds.count();
    if (n < 2) f.push(`only ${n} kind facet values`);
    const counts = await page.locator(".search-facet-kind .search-count").allInnerTexts();
    if (!counts.every((c) => /^\(\d+\)$/.test(c))) f.push(`facet counts: ${counts}`);
    // Filter on the first kind: every hit is of that kind, and the URL keeps the choice.
    const label = (await page.locator(".search-facet-kind label").first().innerText()).replace(/\s*\(\d+\)\s*$/, "").trim();
    const expected = Number((counts[0].match(/\d+/) || ["0"])[0]);
    await kinds.first().check();
    await page.waitForFunction((l) => [...document.querySelectorAll(".search-hit .kind-label")].every((k) => k.textContent === l), label);
    const shown = await page.locator(".search-hit").count();
    if (shown !== Math.min(expected, 10)) f.push(`${shown} hits after filtering, facet said ${expected}`);
    if (!/[?&]kind=/.test(page.url())) f.push(`filter not in the URL: ${page.url()}`);
    // The results page with open facets and a filter must meet WCAG 2.1 AA too.
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const v of axe.violations) f.push(`axe [${v.impact}] ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    f.push(...problems);
    await page.close();
    return f;
  });

  await check("a result leads to the right heading", async () => {
    const f = [];
    const page = await context.newPage();
    const problems = watch(page, ORIGIN);
    await page.goto(`${ORIGIN}/soeg/index.html?q=${encodeURIComponent("svartid på korrespondancemeddelelser")}`);
    const link = page.locator(".search-hit").first().locator(".search-section-link").first();
    await link.waitFor({ timeout: 5000 });
    const text = await link.innerText();
    if (text !== "Svartid") f.push(`first section of the first hit: ${text}`);
    await Promise.all([page.waitForURL(/aftaler\/sambo\/index\.html#svartid$/), link.click()]);
    const target = await page.evaluate(() => document.querySelector(":target") && document.querySelector(":target").id);
    if (target !== "svartid") f.push(`:target is ${target}`);
    f.push(...problems);
    await page.close();
    return f;
  });

  await check("superseded documents are hidden until asked for", async () => {
    const f = [];
    const page = await context.newPage();
    const problems = watch(page, ORIGIN);
    await page.goto(`${ORIGIN}/soeg/index.html?q=${encodeURIComponent("sundhedsaftalen 2015 2018")}`);
    await page.locator(".search-facets-title").click();
    await page.locator(".search-show-hidden input").waitFor({ timeout: 5000 });
    const before = await page.locator(".search-hit-title").allInnerTexts();
    if (before.some((t) => t === "Sundhedsaftalen 2015–2018")) f.push("the superseded agreement is shown");
    await page.locator(".search-show-hidden input").check();
    await page.locator(".search-hit-title", { hasText: "Sundhedsaftalen 2015–2018" }).waitFor({ timeout: 5000 });
    if (!/historik=1/.test(page.url())) f.push(`toggle not in the URL: ${page.url()}`);
    f.push(...problems);
    await page.close();
    return f;
  });

  await check("an XSS query is shown as text and creates no element", async () => {
    const f = [];
    const page = await context.newPage();
    const problems = watch(page, ORIGIN);
    const xss = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>sambo`;
    await page.goto(`${ORIGIN}/index.html`);
    const box = page.locator("#site-search-q");
    await box.fill(xss);
    await page.locator(".search-option-all").waitFor({ timeout: 5000 });
    const all = await page.locator(".search-option-all").innerText();
    if (!all.includes("<img src=x")) f.push(`the query is not shown as text: ${all}`);
    await page.goto(`${ORIGIN}/soeg/index.html?q=${encodeURIComponent(xss)}`);
    await page.locator("#search-status:not(:empty)").waitFor({ timeout: 5000 });
    await page.waitForTimeout(300);
    const imgs = await page.locator("main img, .search-suggest img").count();
    if (imgs) f.push(`${imgs} img elements were created`);
    if (await page.evaluate(() => window.__xss)) f.push("the injected handler ran");
    if ((await page.inputValue("#search-q")) !== xss) f.push("the query is not kept in the box as typed");
    f.push(...problems.filter((p) => !/\/x$/.test(p)));
    await page.close();
    return f;
  });

  await check("without JavaScript the results page is a GET form with the A–Å letters, each a page", async () => {
    const f = [];
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${ORIGIN}/aftaler/sambo/index.html`);
    await page.fill("#site-search-q", "svartid");
    await Promise.all([page.waitForURL(/soeg\/index\.html\?q=svartid$/), page.press("#site-search-q", "Enter")]);
    if (!(await page.locator(".search-nojs").isVisible())) f.push("no message that search needs JavaScript");
    const letters = await page.locator(".az-letters a").count();
    if (letters < 5) f.push(`only ${letters} letters in the A–Å list`);
    if ((await page.locator(".search-kinds a").count()) < 3) f.push("no links to the kind lists");
    // A letter leads to the documents under it, and marks itself as the current one.
    await Promise.all([page.waitForURL(/soeg\/bogstav\/s\/index\.html$/), page.locator(".az-letters a", { hasText: /^S$/ }).click()]);
    const listed = await page.locator(".az-list li").count();
    if (listed < 3) f.push(`only ${listed} documents under S`);
    if (!(await page.locator(".az-list a", { hasText: "SAM:BO" }).count())) f.push("SAM:BO is not under S");
    if ((await page.locator(".az-letters a[aria-current=page]").innerText()) !== "S") f.push("S is not marked as current");
    await ctx.close();
    return f;
  });

  await check("from file:// search runs in the page (no worker, no fetch)", async () => {
    const f = [];
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const url = pathToFileURL(path.join(SITE, "soeg", "index.html")).href + "?q=" + encodeURIComponent("epikriserne farvemarkering");
    await page.goto(url);
    await page.locator(".search-hit").first().waitFor({ timeout: 8000 });
    const first = await page.locator(".search-hit-title").first().innerText();
    if (!/epikriser/i.test(first)) f.push(`first hit: ${first}`);
    const href = await page.locator(".search-hit-title a").first().getAttribute("href");
    if (!href || !href.startsWith("../")) f.push(`result link is not relative: ${href}`);
    f.push(...errors);
    await page.close();
    return f;
  });
} finally {
  await browser.close();
  server.close();
}

const failed = results.filter((r) => r.failures.length).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
