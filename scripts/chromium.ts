/**
 * Finds Chromium for the browser tests, installing Debian's packages when they are missing:
 *   $CHROMIUM_PATH → /usr/bin/chromium → `apt-get install -y chromium` (as root) → a clear error.
 * It also installs `fonts-noto-cjk`, so the zh-CN pages show Chinese in screenshots instead of empty
 * boxes. apt waits for the dpkg lock (another apt run on the machine) instead of failing on it.
 * Never downloads a browser build of its own (`npx playwright install` does not work here).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** Where Debian's fonts-noto-cjk puts its fonts (bookworm and later). */
const CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
];
/** Seconds apt waits for another apt/dpkg to let go of the lock. */
const LOCK_TIMEOUT = '300';

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Whether a font covering Chinese is installed (fontconfig's view, else the package's files). */
export function hasCjkFont(): boolean {
  const fc = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (fc.status === 0 && fc.stdout.trim() !== '') return true;
  return CJK_FONTS.some((f) => existsSync(f));
}

function aptInstall(packages: string[], log: (m: string) => void): void {
  const root = process.getuid?.() === 0;
  const apt = spawnSync('which', ['apt-get']).status === 0;
  if (!root || !apt) {
    throw new Error(
      `Missing for the browser tests: run \`sudo apt-get install -y ${packages.join(' ')}\`` +
        (packages.includes('chromium') ? ', or set CHROMIUM_PATH to a Chromium binary.' : '.'),
    );
  }
  log(`Installing Debian ${packages.join(', ')} for the browser tests (first time only)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', `DPkg::Lock::Timeout=${LOCK_TIMEOUT}`];
  execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
}

export function ensureChromium(log: (m: string) => void = (m) => console.error(m)): string {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit && !executable(explicit))
    throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file`);
  const found = explicit ?? CANDIDATES.find(executable);
  const missing = [...(found ? [] : ['chromium']), ...(hasCjkFont() ? [] : ['fonts-noto-cjk'])];
  if (missing.length > 0) {
    try {
      aptInstall(missing, log);
    } catch (err) {
      // Without the CJK font the tests still run (Chinese shows as boxes in screenshots): say so.
      if (found) log(`fonts-noto-cjk could not be installed: ${(err as Error).message}`);
      else throw err;
    }
  }
  if (found) return found;
  const installed = CANDIDATES.find(executable);
  if (!installed) throw new Error('apt-get installed chromium but no binary was found at /usr/bin/chromium');
  return installed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
