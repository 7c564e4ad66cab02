// Real-browser tests of a built pactum site.
//
//   node tests/browser/run.mjs SITE_DIR
//
// Serves SITE_DIR on 127.0.0.1 (random port) and checks it in Debian's
// Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core:
// axe-core, html-validate, third-party requests, file://, phone overflow,
// the checklist with and without JavaScript, print, and screenshots.
// Prints one PASS/FAIL line per check, the details of every failure, and
// "N passed, N failed" last; exits 1 if anything failed.
// scripts/browser-test installs what this needs and builds the site.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { AxeBuilder } from "@axe-core/playwright";
import { HtmlValidate } from "html-validate";
import { chromium } from "playwright-core";

import { serve } from "./serve.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");

const siteArg = process.argv[2];
if (!siteArg || !existsSync(path.join(siteArg, "index.html"))) {
  console.error("usage: node tests/browser/run.mjs SITE_DIR   (a built site: SITE_DIR/index.html must exist)");
  process.exit(2);
}
const SITE = path.resolve(siteArg);
const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR || path.join(REPO, "target", "browser-screenshots"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const PHONE = { name: "phone", width: 390, height: 844 };
const DESKTOP = { name: "desktop", width: 1280, height: 900 };
const VIEWPORTS = [PHONE, DESKTOP];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// One page of every type. The tag page is found at run time (first link on the tag index).
const AGREEMENT = "aftaler/sa-psykiatri-misbrug/index.html";
const CHECKLIST = "tjeklister/tjek-kommunikation-hjerte/index.html";
const LISTING = "aftaler/index.html";
const TAG_INDEX = "emner/index.html";
const PAGES = [
  { path: "index.html", what: "home", shot: "home" },
  { path: AGREEMENT, what: "agreement with responsibility matrix", shot: "agreement" },
  { path: "forloebsprogrammer/fp-hjerte/index.html", what: "programme" },
  { path: "kommunikationspakker/kp-hjerte/index.html", what: "communication package" },
  { path: CHECKLIST, what: "checklist", shot: "checklist" },
  { path: "vejledninger/vejl-videokonsultation/index.html", what: "guidance" },
  { path: "sider/ordliste/index.html", what: "page" },
  { path: "aftaler/sundhedsaftale-2015-2018/index.html", what: "superseded agreement" },
  { path: LISTING, what: "listing", shot: "listing" },
  { path: TAG_INDEX, what: "tag index" },
  { path: null, what: "tag page" },
  { path: "organisationer/index.html", what: "organisation index" },
  { path: "organisationer/region-syddanmark/index.html", what: "organisation page", shot: "organisation" },
  { path: "aftaler/sambo/historik/index.html", what: "history", shot: "history" },
  { path: "aftaler/sambo/historik/3.1/index.html", what: "diff", shot: "diff" },
  { path: "aftaler/sambo/v/3.0/index.html", what: "historical version" },
  { path: "soeg/bogstav/s/index.html", what: "A–Å letter" },
  { path: "404.html", what: "404", shot: "404" },
];

// ---------------------------------------------------------------- reporting

const results = [];
function record(name, failures) {
  const list = (Array.isArray(failures) ? failures : [failures]).filter(Boolean);
  results.push({ name, failures: list });
  console.log(`${list.length ? "FAIL" : "PASS"}  ${name}`);
}
async function check(name, fn) {
  let failures;
  try {
    failures = await fn();
  } catch (err) {
    failures = [`threw: ${(err && err.stack) || err}`];
  }
  record(name, failures);
}
const indent = (text, by = "    ") => String(text).replace(/^/gm, by);
const squash = (s) => String(s).replace(/\s+/g, " ").trim();

// ------------------------------------------------------------- static server

// ------------------------------------------------------------------- helpers

/** Watches a page: third-party requests, failed requests, HTTP errors and script errors. */
function watch(page, allowed) {
  const log = { thirdParty: [], failed: [], httpErrors: [], scriptErrors: [], urls: [] };
  page.on("request", (req) => {
    const url = req.url();
    log.urls.push(url);
    if (url.startsWith("data:")) return;
    if (!allowed(url)) log.thirdParty.push(`${req.resourceType()} ${url}`);
  });
  page.on("requestfailed", (req) => log.failed.push(`${req.url()}: ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400) log.httpErrors.push(`${res.status()} ${res.url()}`);
  });
  page.on("pageerror", (err) => log.scriptErrors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") log.scriptErrors.push(`console: ${msg.text()}`);
  });
  return log;
}

function formatAxe(violations) {
  return violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 8)
      .map((n) => `      at ${n.target.join(" ")}\n${indent(squash(n.failureSummary || ""), "         ")}\n         ${squash(n.html).slice(0, 200)}`)
      .join("\n");
    const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : "";
    return `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"})\n    ${v.helpUrl}\n${nodes}${more}`;
  });
}

/** Today's date as the theme prints it ("5. marts 2026" / "5 March 2026"). */
function printedDate(lang, d = new Date()) {
  const da = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"];
  const en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  return lang === "en" ? `${d.getDate()} ${en[d.getMonth()]} ${d.getFullYear()}` : `${d.getDate()}. ${da[d.getMonth()]} ${d.getFullYear()}`;
}

/** The page must not scroll sideways (wide tables scroll inside their own box). */
async function overflow(page) {
  const m = await page.evaluate(() => {
    const wide = [];
    const vw = document.documentElement.clientWidth;
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && !el.closest(".table-scroll, pre, .visually-hidden, .skip-link")) {
        wide.push(`${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).replace(/ /g, ".") : ""} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 10) };
  });
  if (m.scrollWidth <= m.innerWidth) return [];
  return [`document scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; elements sticking out: ${m.wide.join(", ") || "?"}`];
}

/**
 * Page structure a keyboard and screen-reader user relies on: exactly one h1,
 * heading levels that never skip (h2 → h4), a skip link that is the first
 * thing Tab reaches, shows itself when focused and leads to <main>, and a
 * visible focus indicator on the next few focusable elements.
 */
async function structure(page) {
  const failures = [];
  const levels = await page.$$eval("h1, h2, h3, h4, h5, h6", (hs) =>
    hs.filter((h) => h.getClientRects().length > 0 || h.closest("details")).map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)]),
  );
  const h1s = levels.filter(([l]) => l === 1).length;
  if (h1s !== 1) failures.push(`${h1s} h1 elements`);
  for (let i = 1; i < levels.length; i++) {
    if (levels[i][0] > levels[i - 1][0] + 1) failures.push(`heading level skips from h${levels[i - 1][0]} ("${levels[i - 1][1]}") to h${levels[i][0]} ("${levels[i][1]}")`);
  }
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    const target = a.getAttribute("href") || "";
    return { cls: a.className, visible: r.width > 1 && r.height > 1 && r.top >= 0, target, exists: !!document.querySelector(target.startsWith("#") ? target : "#none") };
  });
  if (!String(skip.cls).includes("skip-link")) failures.push(`first Tab stop is not the skip link (${skip.cls || "?"})`);
  if (!skip.visible) failures.push("the skip link stays invisible when focused");
  if (!skip.exists) failures.push(`the skip link's target ${skip.target} does not exist`);
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return null;
      const cs = getComputedStyle(a);
      const ring = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== "none");
      return { what: `${a.tagName.toLowerCase()} ${(a.textContent || a.getAttribute("aria-label") || "").trim().slice(0, 30)}`, ring };
    });
    if (f && !f.ring) failures.push(`no visible focus indicator on ${f.what}`);
  }
  return failures;
}

function htmlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...htmlFiles(p));
    else if (entry.isFile() && entry.name.endsWith(".html")) out.push(p);
  }
  return out.sort();
}

// ---------------------------------------------------------------------- main

const started = Date.now();
// A hung browser must not hang CI: give up after 5 minutes.
setTimeout(() => {
  console.error("FAIL  browser tests did not finish within 5 minutes");
  process.exit(1);
}, 300_000).unref();
// A strict Content-Security-Policy on every answer: an inline script or style
// would be refused and show up as a console error (a failed check below).
const CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const server = await serve(SITE, { "content-security-policy": CSP });
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
const url = (rel) => `${ORIGIN}/${rel}`;
const local = (u) => {
  try {
    return new URL(u).origin === ORIGIN;
  } catch {
    return false;
  }
};
console.log(`site:     ${SITE}`);
console.log(`served:   ${ORIGIN}/`);
console.log(`browser:  ${CHROMIUM}`);

let browser;
const tmp = mkdtempSync(path.join(tmpdir(), "pactum-browser-"));
try {
  // ---- html-validate on every generated page (no browser needed).
  await check("html-validate: every generated .html file (0 errors)", async () => {
    const raw = JSON.parse(readFileSync(path.join(HERE, ".htmlvalidate.json"), "utf8"));
    // Keys starting with "//" are the explanations of why a rule is off or relaxed.
    for (const key of Object.keys(raw.rules || {})) if (key.startsWith("//")) delete raw.rules[key];
    const validator = new HtmlValidate({ ...raw, root: true });
    const files = htmlFiles(SITE);
    if (files.length === 0) return ["no .html files found"];
    const failures = [];
    for (const file of files) {
      const report = await validator.validateFile(file);
      for (const r of report.results) {
        for (const m of r.messages) {
          if (m.severity < 2) continue;
          const html = readFileSync(file, "utf8");
          const at = Math.max(0, m.offset - 40);
          failures.push(
            `${path.relative(SITE, file)}:${m.line}:${m.column} [${m.ruleId}] ${m.message}\n      …${html.slice(at, m.offset + 120)}…`,
          );
        }
      }
    }
    if (failures.length === 0) console.log(`      (${files.length} files)`);
    return failures;
  });

  // The minifier drops type=submit (the default), so html-validate's
  // no-implicit-button-type is off; check the templates' buttons instead.
  await check("layouts/*.html: every <button> states its type (button or submit)", async () => {
    const dir = path.join(REPO, "layouts");
    if (!existsSync(dir)) return [];
    const failures = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".html")).sort()) {
      const src = readFileSync(path.join(dir, name), "utf8");
      for (const m of src.matchAll(/<button\b[^>]*>/g)) {
        if (!/\stype="(button|submit|reset)"/.test(m[0])) {
          const line = src.slice(0, m.index).split("\n").length;
          failures.push(`layouts/${name}:${line}: ${m[0]}`);
        }
      }
    }
    return failures;
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    // playwright-core gives every launch a fresh temporary user-data-dir.
    timeout: 60_000,
  });
  console.log(`          Chromium ${browser.version()}`);

  // ---- find the tag page: the first link in the tag index.
  {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url(TAG_INDEX));
    const href = await page.locator("main a").first().getAttribute("href");
    const tagPage = new URL(href, url(TAG_INDEX)).pathname.slice(1);
    PAGES.find((p) => p.path === null).path = tagPage;
    await ctx.close();
  }

  // ---- axe, requests and overflow on one page of every type, at phone and desktop width.
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const vp of VIEWPORTS) {
    const ctx = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
    for (const p of PAGES) {
      const page = await ctx.newPage();
      const log = watch(page, local);
      const label = `${p.path} (${p.what}, ${vp.name} ${vp.width}px)`;
      let loaded = true;
      try {
        await page.goto(url(p.path), { waitUntil: "load" });
      } catch (err) {
        loaded = false;
        record(`load ${label}`, [`navigation failed: ${err.message}`]);
      }
      if (loaded) {
        await check(`axe ${AXE_TAGS.join("+")}: ${label}`, async () => {
          const res = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
          return formatAxe(res.violations);
        });
        if (vp === PHONE) await check(`no horizontal page overflow: ${label}`, () => overflow(page));
        if (vp === DESKTOP) await check(`one h1, no skipped heading level, skip link and visible focus: ${label}`, () => structure(page));
        if (p.shot) {
          const file = path.join(SCREENSHOT_DIR, `${p.shot}-${vp.name}.png`);
          await page.screenshot({ path: file, fullPage: true });
        }
      }
      await check(`only local requests, none failed, no script errors: ${label}`, async () => [
        ...log.thirdParty.map((r) => `third-party request: ${r}`),
        ...log.failed.map((r) => `failed request: ${r}`),
        ...log.httpErrors.map((r) => `HTTP error: ${r}`),
        ...log.scriptErrors.map((r) => `script error: ${r}`),
        log.urls.length === 0 ? "no requests recorded at all" : null,
      ]);
      await page.close();
    }
    await ctx.close();
  }

  // ---- zoom: a 1280 px window at 200 % is 640 CSS px wide, at 400 % 320 px
  // (WCAG 1.4.10 reflow). Every page type must still fit without sideways scrolling.
  for (const zoom of [200, 400]) {
    const width = Math.round(DESKTOP.width / (zoom / 100));
    const ctx = await browser.newContext({ viewport: { width, height: Math.round(DESKTOP.height / (zoom / 100)) }, deviceScaleFactor: zoom / 100 });
    const failures = [];
    for (const p of PAGES) {
      const page = await ctx.newPage();
      await page.goto(url(p.path), { waitUntil: "load" });
      failures.push(...(await overflow(page)).map((f) => `${p.path}: ${f}`));
      await page.close();
    }
    await ctx.close();
    record(`zoom ${zoom} % (${width} CSS px): no page of any type scrolls sideways (${PAGES.length} pages)`, failures);
  }

  // ---- file://: click through from the front page to a document.
  await check("works from file://: front page → main menu → listing → first document", async () => {
    const failures = [];
    const ctx = await browser.newContext({ viewport: { width: DESKTOP.width, height: DESKTOP.height } });
    const page = await ctx.newPage();
    const log = watch(page, (u) => u.startsWith("file://"));
    const start = pathToFileURL(path.join(SITE, "index.html")).href;
    await page.goto(start);
    const navLink = page.locator('.main-nav a[href$="aftaler/index.html"]').first();
    if ((await navLink.count()) === 0) {
      failures.push("no main-nav link to aftaler/index.html on the front page");
    } else {
      await Promise.all([page.waitForURL(/aftaler\/index\.html$/), navLink.click()]);
      const docLink = page.locator("main table a, main .doc-table a").first();
      if ((await docLink.count()) === 0) failures.push(`no document link on ${page.url()}`);
      else {
        const target = new URL(await docLink.getAttribute("href"), page.url()).href;
        await Promise.all([page.waitForURL(target), docLink.click()]);
        const h1 = page.locator("h1");
        if (!(await h1.isVisible())) failures.push(`no visible h1 on ${page.url()}`);
        const styled = await page.evaluate(() => {
          const header = document.querySelector(".site-header");
          const bg = header ? getComputedStyle(header).backgroundColor : "";
          return {
            bodyMargin: getComputedStyle(document.body).marginTop,
            headerBg: bg,
            font: getComputedStyle(document.documentElement).fontFamily,
            js: document.documentElement.classList.contains("js"),
          };
        });
        if (styled.bodyMargin !== "0px" || !styled.headerBg || styled.headerBg === "rgba(0, 0, 0, 0)" || !/system-ui/.test(styled.font)) {
          failures.push(`style.css not applied: ${JSON.stringify(styled)}`);
        }
        if (!styled.js) failures.push("main.js did not run from file:// (no class js on <html>)");
        console.log(`      (${squash(await h1.innerText())} – ${page.url().replace(pathToFileURL(SITE).href, "file://<site>")})`);
      }
    }
    failures.push(...log.thirdParty.map((r) => `non-file request: ${r}`));
    failures.push(...log.failed.map((r) => `failed request: ${r}`));
    failures.push(...log.scriptErrors.map((r) => `script error: ${r}`));
    await ctx.close();
    return failures;
  });

  // ---- checklist with JavaScript: enabled, remembered, reset.
  await check(`checklist works with JavaScript: ${CHECKLIST}`, async () => {
    const failures = [];
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const log = watch(page, local);
    const dialogs = [];
    page.on("dialog", async (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      await d.accept();
    });
    await page.goto(url(CHECKLIST));
    const boxes = page.locator('main .doc-body input[type="checkbox"]');
    const n = await boxes.count();
    if (n < 2) return [`expected task-list checkboxes, found ${n}`];
    const disabled = await boxes.evaluateAll((els) => els.filter((e) => e.disabled).length);
    if (disabled) failures.push(`${disabled} of ${n} boxes still disabled with JavaScript`);
    const labelled = await boxes.evaluateAll((els) => els.filter((e) => !e.labels || e.labels.length === 0).length);
    if (labelled) failures.push(`${labelled} of ${n} boxes have no <label>`);
    // Tick the first one by clicking its label text, as a person would.
    await page.locator("main .doc-body label.task").first().click();
    if (!(await boxes.nth(0).isChecked())) failures.push("clicking the first item's label did not tick it");
    await boxes.nth(2).check();
    await page.reload();
    const afterReload = await boxes.evaluateAll((els) => els.map((e) => e.checked));
    if (!afterReload[0] || !afterReload[2]) failures.push(`ticks not kept over a reload: ${JSON.stringify(afterReload.slice(0, 4))}`);
    if (afterReload[1]) failures.push("an unticked box came back ticked after reload");
    const reset = page.locator('button[data-action="reset-checklist"]');
    if (!(await reset.isVisible())) failures.push("reset button not visible with JavaScript");
    else {
      await reset.click();
      const afterReset = await boxes.evaluateAll((els) => els.filter((e) => e.checked).length);
      if (afterReset) failures.push(`${afterReset} boxes still ticked after reset`);
      if (dialogs.length !== 1) failures.push(`expected one confirm() dialog on reset, got ${JSON.stringify(dialogs)}`);
      await page.reload();
      const afterResetReload = await boxes.evaluateAll((els) => els.filter((e) => e.checked).length);
      if (afterResetReload) failures.push(`${afterResetReload} boxes ticked again after reset + reload`);
    }
    failures.push(...log.scriptErrors.map((r) => `script error: ${r}`));
    await ctx.close();
    return failures;
  });

  // ---- without JavaScript.
  await check(`works without JavaScript: ${AGREEMENT}`, async () => {
    const failures = [];
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: PHONE.width, height: PHONE.height } });
    const page = await ctx.newPage();
    await page.goto(url(AGREEMENT));
    const h1 = page.locator("main h1");
    if (!(await h1.isVisible()) || squash(await h1.innerText()).length < 5) failures.push("no visible h1");
    const meta = page.locator("main .doc-meta");
    if (!(await meta.isVisible())) failures.push("metadata block (.doc-meta) not visible");
    else {
      const text = squash(await meta.innerText());
      for (const needle of ["Version", "Gældende fra", "Ansvarlig"]) if (!text.includes(needle)) failures.push(`metadata lacks "${needle}": ${text.slice(0, 200)}`);
    }
    const body = page.locator("main .doc-body");
    if (!(await body.isVisible())) failures.push("body (.doc-body) not visible");
    else if (squash(await body.innerText()).length < 500) failures.push("body text is (nearly) empty");
    if (await page.locator(".js-only").first().isVisible().catch(() => false)) failures.push("a .js-only element is visible without JavaScript");
    const table = page.locator("main .doc-body .table-scroll table").first();
    if ((await table.count()) === 0 || !(await table.isVisible())) failures.push("responsibility-matrix table not visible");
    await ctx.close();
    return failures;
  });

  // ---- print.
  await check(`print: stamp, title, version, in-force date on page 1; no navigation; link URLs: ${AGREEMENT}`, async () => {
    const failures = [];
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url(AGREEMENT));
    const lang = await page.evaluate(() => document.documentElement.lang);
    const info = await page.evaluate(() => ({
      title: document.querySelector("main h1")?.textContent || "",
      version: document.querySelector(".doc-status .doc-version")?.textContent || "",
      effective: document.querySelector(".doc-status .doc-effective")?.textContent || "",
      nav: [...document.querySelectorAll(".main-nav a")].map((a) => a.textContent.trim()),
    }));
    const stamp =
      lang === "en"
        ? `Printed ${printedDate("en")} – valid only together with the electronic version`
        : `Udskrevet ${printedDate("da")} – gælder kun i sammenhæng med den elektroniske version`;

    // The DOM as the print style sheet lays it out.
    await page.emulateMedia({ media: "print" });
    const printed = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden");
      const stamp = document.querySelector(".print-stamp");
      const link = document.querySelector(".doc-body a[href]:not([href^='#'])");
      return {
        nav: shown(".main-nav") || shown(".breadcrumbs") || shown(".skip-link") || shown(".footer-nav") || shown(".toc") || shown("button"),
        stamp: stamp && stamp.getClientRects().length ? stamp.textContent : null,
        link: link ? { href: link.href, after: getComputedStyle(link, "::after").content } : null,
      };
    });
    if (printed.nav) failures.push("navigation (menu, breadcrumbs, skip link, footer menu, toc or buttons) is shown in print");
    if (squash(printed.stamp || "") !== stamp) failures.push(`print stamp in the DOM is ${JSON.stringify(printed.stamp)}, want ${JSON.stringify(stamp)}`);
    if (!printed.link) failures.push("no link in the document body to check");
    else if (!printed.link.after.includes(printed.link.href)) failures.push(`body link ${printed.link.href} printed without its URL (::after content ${printed.link.after})`);
    await page.emulateMedia({ media: "screen" });
    if (await page.locator(".print-stamp").isVisible()) failures.push("the print stamp is visible on screen");
    await page.emulateMedia({ media: null }); // page.pdf() then uses print media, as a real print does

    // The real PDF.
    const pdf = path.join(tmp, "agreement.pdf");
    await page.pdf({ path: pdf, format: "A4", printBackground: false });
    let text;
    try {
      text = execFileSync("pdftotext", ["-f", "1", "-l", "1", "-enc", "UTF-8", pdf, "-"], { encoding: "utf8" });
    } catch (err) {
      return [...failures, `pdftotext failed: ${err.message}`];
    }
    // Lines break anywhere in a PDF and long words get hyphenated: compare without spaces and hyphens.
    const flat = (s) => s.replace(/[\s\u00ad\-‐‑]+/g, "");
    const first = flat(text);
    for (const [what, needle] of [
      ["stamp", stamp],
      ["title", info.title],
      ["version", info.version],
      ["in-force date", info.effective],
    ]) {
      if (!needle || !first.includes(flat(needle))) failures.push(`page 1 of the PDF lacks the ${what} ${JSON.stringify(squash(needle))}`);
    }
    if (info.nav.length && first.includes(flat(info.nav.join("")))) failures.push("page 1 of the PDF shows the main menu");
    const all = flat(execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"], { encoding: "utf8" }));
    if (printed.link && !all.includes(flat(printed.link.href))) failures.push(`PDF does not show the URL of body link ${printed.link.href}`);
    if (failures.length) failures.push(`page 1 text:\n${indent(text.split("\n").slice(0, 25).join("\n"))}`);
    else console.log(`      (${squash(text.split("\n").find((l) => l.trim()) || "")} …)`);
    await ctx.close();
    return failures;
  });

  await check("print without JavaScript: undated stamp, external links with their URL", async () => {
    const failures = [];
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(url(AGREEMENT));
    await page.emulateMedia({ media: "print" });
    const stamp = squash((await page.locator(".print-stamp").textContent().catch(() => null)) || "");
    const want = "Udskrevet – gælder kun i sammenhæng med den elektroniske version";
    if ((await page.evaluate(() => document.documentElement.lang)) !== "en" && stamp !== want) failures.push(`stamp without JS is ${JSON.stringify(stamp)}, want ${JSON.stringify(want)}`);
    // An external link somewhere in the site's bodies.
    const withExternal = htmlFiles(SITE).find((f) => /<a [^>]*href="?https?:/.test(readFileSync(f, "utf8").split("doc-body")[1] || ""));
    if (withExternal) {
      await page.goto(url(path.relative(SITE, withExternal).split(path.sep).join("/")));
      const link = await page.evaluate(() => {
        const a = document.querySelector(".doc-body a[href^='http']");
        return a && { href: a.getAttribute("href"), after: getComputedStyle(a, "::after").content };
      });
      if (!link || !link.after.includes(link.href)) failures.push(`external link printed without its URL: ${JSON.stringify(link)}`);
    }
    await ctx.close();
    return failures;
  });
} finally {
  if (browser) await browser.close().catch(() => {});
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}

// ------------------------------------------------------------------- summary

const failed = results.filter((r) => r.failures.length);
if (failed.length) {
  const MAX = 40;
  console.log("\n==== failures\n");
  for (const r of failed) {
    console.log(`FAIL  ${r.name}`);
    for (const f of r.failures.slice(0, MAX)) console.log(indent(`- ${f}`));
    if (r.failures.length > MAX) console.log(`    … and ${r.failures.length - MAX} more`);
    console.log("");
  }
}
console.log(`\nscreenshots: ${SCREENSHOT_DIR}`);
console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
