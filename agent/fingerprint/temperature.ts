import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The hottest thermal zone in °C (one decimal), or undefined without a sensor. Reads sysfs
 * directly: systeminformation would spawn processes for this every heartbeat.
 */
export async function readTemperature(root = '/'): Promise<number | undefined> {
  const dir = join(root, 'sys/class/thermal');
  const zones = (await readdir(dir).catch(() => [] as string[])).filter((z) => z.startsWith('thermal_zone'));
  let hottest: number | undefined;
  for (const z of zones) {
    const text = await readFile(join(dir, z, 'temp'), 'utf8').catch(() => null);
    const milli = text === null ? NaN : Number(text.trim());
    // Disabled or absent sensors report errors, 0 or absurd values.
    if (!Number.isFinite(milli) || milli <= 0 || milli > 200_000) continue;
    const c = Math.round(milli / 100) / 10;
    if (hottest === undefined || c > hottest) hottest = c;
  }
  return hottest;
}
