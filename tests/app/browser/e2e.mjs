// End-to-end test of the starskope web app in a real browser (Debian chromium + playwright-core).
// Usage: node e2e.mjs BASE_URL GOOD_FILE BAD_FILE SHOT_DIR
// Prints one JSON line per check ({"check", "ok", "detail"}) and exits 1 if any failed.
import { chromium } from "playwright-core";
import path from "node:path";

const [base, goodFile, badFile, shotDir] = process.argv.slice(2);
const executablePath = process.env.STARSKOPE_CHROMIUM || "/usr/bin/chromium";
let failed = 0;
function report(check, ok, detail = "") {
  if (!ok) failed += 1;
  console.log(JSON.stringify({ check, ok, detail: String(detail) }));
}
async function expectCheck(name, fn) {
  try {
    const detail = await fn();
    report(name, true, detail ?? "");
  } catch (e) {
    report(name, false, e && e.message ? e.message.split("\n")[0] : e);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

// playwright gives every launch a new, empty profile (--user-data-dir) of its own
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const external = [];
page.on("request", (req) => { if (!req.url().startsWith(base) && !req.url().startsWith("data:")) external.push(req.url()); });
const consoleErrors = [];
page.on("pageerror", (e) => consoleErrors.push(String(e)));
page.setDefaultTimeout(30000);

try {
  await expectCheck("table loads", async () => {
    await page.goto(base + "/");
    const n = await page.locator("#candidates tbody tr").count();
    assert(n >= 3, `only ${n} rows`);
    return `${n} rows`;
  });
  await expectCheck("sort by SNR (click header twice: descending, then ascending)", async () => {
    const snrs = async () => (await page.locator("#candidates tbody tr td:nth-child(7)").allInnerTexts()).map(Number);
    await page.click('th[data-sort="snr"] a');
    await page.waitForURL(/sort=snr/);
    const desc = await snrs();
    assert(desc.every((v, i) => i === 0 || desc[i - 1] >= v), `not descending: ${desc}`);
    await page.click('th[data-sort="snr"] a');
    await page.waitForURL(/order=asc/);
    const asc = await snrs();
    assert(asc.every((v, i) => i === 0 || asc[i - 1] <= v), `not ascending: ${asc}`);
    return asc.join(",");
  });
  await expectCheck("filter by flag", async () => {
    await page.goto(base + "/?sort=score&order=desc");
    await page.selectOption('select[name="flag"]', "none");
    await page.click('#filters button[type="submit"]');
    await page.waitForURL(/flag=none/);
    const flags = await page.locator("#candidates tbody td.flags").allInnerTexts();
    assert(flags.every((f) => f.trim() === ""), `flagged rows shown: ${flags}`);
    return `${flags.length} unflagged rows`;
  });
  await page.goto(base + "/?sort=score&order=desc");
  if (shotDir) await page.screenshot({ path: path.join(shotDir, "table.png"), fullPage: false });

  await expectCheck("open a star and its plots render", async () => {
    const link = page.locator("a.star-link", { hasText: process.env.STARSKOPE_E2E_STAR || "" }).first();
    await link.click();
    await page.waitForURL(/\/star\?/);
    await page.waitForSelector('#plots[data-state="rendered"]', { timeout: 60000 });
    const counts = await page.$$eval(".plot[data-rendered]", (els) => els.map((e) => +e.dataset.points));
    assert(counts.length >= 6, `only ${counts.length} plots rendered`);
    assert(counts.every((c) => c > 0), `empty plot: ${counts}`);
    const painted = await page.$eval('.plot[data-panel="flat"] canvas', (c) => {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert(painted > 1000, `flat canvas nearly blank (${painted} px)`);
    return `${counts.length} plots, points ${counts.join("/")}`;
  });
  await expectCheck("known-object match filled in", async () => {
    await page.waitForFunction(() => {
      const el = document.querySelector("p.known strong");
      return el && !el.textContent.includes("checking");
    }, null, { timeout: 60000 });
    return await page.innerText("p.known strong");
  });
  await expectCheck("zoom a plot with the mouse wheel", async () => {
    const canvas = page.locator('.plot[data-panel="flat"] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const before = +(await page.getAttribute('.plot[data-panel="flat"]', "data-points"));
    await page.mouse.wheel(0, -600);
    await page.waitForSelector('.plot[data-panel="flat"][data-zoomed="1"]');
    const after = +(await page.getAttribute('.plot[data-panel="flat"]', "data-points"));
    assert(after < before, `zoom kept ${after} of ${before} points in view`);
    return `${before} -> ${after} points in view`;
  });
  if (shotDir) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shotDir, "star.png") });
    await page.locator("#candidate-1").screenshot({ path: path.join(shotDir, "star-candidate.png") });
  }

  await expectCheck("upload a corrupt file: clear message", async () => {
    await page.goto(base + "/upload");
    await page.setInputFiles("#file", badFile);
    await page.click('#upload-form button[type="submit"]');
    await page.waitForSelector("#error", { timeout: 60000 });
    const text = await page.innerText("#error");
    assert(text.includes(path.basename(badFile)), `message does not name the file: ${text}`);
    assert(!/Internal Server Error|Traceback/.test(await page.content()), "server error shown");
    return text.slice(0, 120);
  });
  if (shotDir) await page.screenshot({ path: path.join(shotDir, "upload-error.png") });
  await expectCheck("upload a good file: analysed with progress, plots render", async () => {
    await page.goto(base + "/upload");
    await page.setInputFiles("#file", goodFile);
    await page.click('#upload-form button[type="submit"]');
    await page.waitForURL(/\/job\//);
    await page.waitForSelector('#plots[data-state="rendered"]', { timeout: 120000 });
    const title = await page.innerText("#star-title");
    const n = await page.locator(".plot[data-rendered]").count();
    assert(n >= 3, `only ${n} plots`);
    return `${title.trim()}; ${n} plots`;
  });
  await expectCheck("no request left the machine", async () => {
    assert(external.length === 0, external.join(" "));
    return "none";
  });
  await expectCheck("no JavaScript errors", async () => {
    assert(consoleErrors.length === 0, consoleErrors.join(" | "));
    return "none";
  });
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
