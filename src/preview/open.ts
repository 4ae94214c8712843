/**
 * Open the preview in the desktop browser, when there is a desktop: `open` on macOS, `start` on
 * Windows, `xdg-open` where a display is set. In CI or over SSH without a display nothing is tried.
 * A failure is ignored: the URL is printed anyway.
 */
import { spawn } from 'node:child_process';

export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  if (env.CI) return false;
  let cmd: string;
  let args: string[];
  if (platform === 'darwin') [cmd, args] = ['open', [url]];
  else if (platform === 'win32') [cmd, args] = ['cmd', ['/c', 'start', '""', url]];
  else if (env.DISPLAY || env.WAYLAND_DISPLAY) [cmd, args] = ['xdg-open', [url]];
  else return false;
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
