const which = process.argv[2];
const c = process.cpuUsage(); const t0 = performance.now();
const m = await import(which);
const u = process.cpuUsage(c);
console.log(which, 'wall', (performance.now() - t0).toFixed(0), 'ms cpu', ((u.user + u.system) / 1000).toFixed(0), 'ms', Object.keys(m).length);
