// Opens a page written by `dashboards render` in headless Chromium shipped inside an npm package
// (@sparticuz/chromium with puppeteer-core: no system package) and reads back what it drew: per panel
// its status, data points, inked canvas pixels, its box against its grid position, and for stacked
// series the values drawn against the values queried. Shared by test/dashboards-render.test.ts (seeded
// data) and test/soak/demo-dashboards.test.ts (the demo's page).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export interface DrawnPanel {
  dashboard: string;
  title: string;
  type: string;
  status: string;
  points: number;
  /** Canvas pixels that are not transparent (-1: no canvas). */
  ink: number;
  /** The panel's box relative to its dashboard grid, px. */
  box: { left: number; top: number; width: number; height: number };
  gridPos: { x: number; y: number; w: number; h: number };
  gridWidth: number;
  /** Stacked series whose drawn values are not the running sums of the queried ones (should be none). */
  stackErrors: string[];
  /** Series drawn stacked. */
  stacked: number;
}

export interface PageReport {
  panels: DrawnPanel[];
  errors: string[];
  ms: number;
}

/** The DOM parts the page check reads (the tests' tsconfig has no DOM library). */
interface PanelElement {
  dataset: Record<string, string | undefined>;
  querySelector(s: string): unknown;
  closest(s: string): { id: string; querySelector(s: string): unknown } | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  uplot?: { data: (number | null)[][]; series: { scale?: string }[]; bands?: { series: [number, number] }[] };
  rawData?: (number | null)[][];
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(k: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}
interface GridLike {
  getBoundingClientRect(): { left: number; top: number; width: number };
}

export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    // An explicit locale: from a POSIX environment Chromium's default ("en-US@posix") breaks Intl.
    args: [...chromium.args, '--lang=en-US'],
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
    headless: true,
    defaultViewport: { width: 1280, height: 1000 },
  });
}

/** Loads the page and reads every panel back (see DrawnPanel). */
export async function inspectPage(browser: Browser, file: string): Promise<{ page: Page } & PageReport> {
  const t0 = Date.now();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
  const gridPos = await page.$eval('#data', (el) => {
    const d = JSON.parse((el as unknown as { textContent: string }).textContent) as {
      dashboards: { uid: string; panels: { id: number; gridPos: DrawnPanel['gridPos'] }[] }[];
    };
    return Object.fromEntries(
      d.dashboards.flatMap((x) => x.panels.map((p) => [`${x.uid}/${p.id}`, p.gridPos])),
    );
  });
  const drawn = await page.$$eval('.panel', (els) =>
    els.map((e) => {
      const el = e as unknown as PanelElement;
      const section = el.closest('section')!;
      const grid = (section.querySelector('.grid') as GridLike).getBoundingClientRect();
      const r = el.getBoundingClientRect();
      const canvas = el.querySelector('canvas') as CanvasLike | null;
      let ink = -1;
      if (canvas) {
        const c = canvas.getContext('2d');
        const d = c.getImageData(0, 0, canvas.width, canvas.height).data;
        ink = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) ink++;
      }
      // Stacked series: drawn[i] must be raw[i] plus the drawn series below it in its band.
      const stackErrors: string[] = [];
      let stacked = 0;
      const u = el.uplot;
      if (u && el.rawData) {
        const below = new Map((u.bands ?? []).map((b) => [b.series[0], b.series[1]]));
        const lower = new Set(below.values());
        for (let i = 1; i < u.data.length; i++) {
          const isStacked = below.has(i) || lower.has(i);
          if (!isStacked) continue;
          stacked++;
          const under = below.get(i);
          u.data[i]!.forEach((v, j) => {
            const raw = el.rawData![i]![j];
            if (raw === null || raw === undefined) {
              if (v !== null && v !== undefined) stackErrors.push(`series ${i} at ${j}: a gap drawn as ${v}`);
              return;
            }
            // The sum below: the nearest series below that has a value at j (gaps add nothing).
            let base = 0;
            for (let k = under; k !== undefined; k = below.get(k)) {
              const b = u.data[k]![j];
              if (b !== null && b !== undefined) {
                base = b;
                break;
              }
            }
            if (Math.abs((v ?? NaN) - (base + raw)) > 1e-9 * Math.max(1, Math.abs(base + raw)))
              stackErrors.push(`series ${i} at ${j}: drew ${v}, expected ${base} + ${raw}`);
          });
        }
      }
      return {
        dashboard: section.id,
        id: Number(el.dataset.panelId),
        title: el.dataset.panelTitle ?? '',
        type: el.dataset.panelType ?? '',
        status: el.dataset.panelStatus ?? '',
        points: Number(el.dataset.points),
        ink,
        box: { left: r.left - grid.left, top: r.top - grid.top, width: r.width, height: r.height },
        gridWidth: grid.width,
        stackErrors: stackErrors.slice(0, 5),
        stacked,
      };
    }),
  );
  const panels = drawn.map(({ id, ...p }) => ({ ...p, gridPos: gridPos[`${p.dashboard}/${id}`]! }));
  return { page, panels, errors, ms: Date.now() - t0 };
}

/** Pairs of panels of one dashboard whose boxes overlap (should be none). */
export function overlaps(panels: DrawnPanel[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < panels.length; i++)
    for (let j = i + 1; j < panels.length; j++) {
      const a = panels[i]!;
      const b = panels[j]!;
      if (a.dashboard !== b.dashboard) continue;
      const x =
        Math.min(a.box.left + a.box.width, b.box.left + b.box.width) - Math.max(a.box.left, b.box.left);
      const y = Math.min(a.box.top + a.box.height, b.box.top + b.box.height) - Math.max(a.box.top, b.box.top);
      if (x > 0.5 && y > 0.5) out.push(`${a.dashboard}: "${a.title}" and "${b.title}"`);
    }
  return out;
}

/**
 * Panels not where their gridPos puts them: left at x/24 of the grid width, width w/24 (less the
 * gap), and rows in the order of y (a panel lower in the grid is drawn lower on the page).
 */
export function misplaced(panels: DrawnPanel[]): string[] {
  const out: string[] = [];
  for (const p of panels) {
    const col = p.gridWidth / 24;
    if (Math.abs(p.box.left - p.gridPos.x * col) > 1.5 || Math.abs(p.box.width - p.gridPos.w * col) > 12)
      out.push(`${p.dashboard}: "${p.title}" at ${JSON.stringify(p.box)} for ${JSON.stringify(p.gridPos)}`);
  }
  for (const a of panels)
    for (const b of panels)
      if (a.dashboard === b.dashboard && a.gridPos.y < b.gridPos.y && !(a.box.top < b.box.top))
        out.push(
          `${a.dashboard}: "${a.title}" (y ${a.gridPos.y}) is not above "${b.title}" (y ${b.gridPos.y})`,
        );
  return out;
}

/** One screenshot per dashboard section into `dir`; returns the paths. */
export async function screenshotDashboards(page: Page, uids: string[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const saved: string[] = [];
  for (const uid of uids) {
    const section = await page.$(`section[id="${uid}"]`);
    const path = join(dir, `${uid.replace(/^cryptocrawler-/, '')}.png`);
    await section!.screenshot({ path: path as `${string}.png` });
    saved.push(path);
  }
  return saved;
}
