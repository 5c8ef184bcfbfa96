// A small static file server for the browser suite, on 127.0.0.1 only.
//   node server.mjs MOUNT DIR [MOUNT DIR ...]
// e.g. `node server.mjs / /tmp/site /fzjs/ /tmp/site-sub` serves /tmp/site at /
// and /tmp/site-sub at /fzjs/. It picks a free port and prints one line,
// `listening http://127.0.0.1:PORT/`, once it accepts connections.
// Only files inside the mounted folders are served: no listings, no symlinks
// out, no dot files. A missing path gets the mount's 404.html (elder/404.html
// under elder/, hant/404.html under hant/, ug/404.html under ug/) with status 404, as a web server set up for the site would do.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
};

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2 !== 0) {
  console.error('usage: node server.mjs MOUNT DIR [MOUNT DIR ...]');
  process.exit(2);
}
const mounts = [];
for (let i = 0; i < args.length; i += 2) {
  let prefix = args[i];
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (!prefix.endsWith('/')) prefix += '/';
  mounts.push({ prefix, root: fs.realpathSync(args[i + 1]) });
}
// Longest prefix first, so /fzjs/ wins over /.
mounts.sort((a, b) => b.prefix.length - a.prefix.length);

function inside(root, file) {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function resolve(mount, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.slice(mount.prefix.length));
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.split('/').some((s) => s.startsWith('.'))) return null;
  let file = path.join(mount.root, rel);
  if (!inside(mount.root, file)) return null;
  try {
    let st = fs.statSync(file);
    if (st.isDirectory()) {
      if (!urlPath.endsWith('/')) return { redirect: urlPath + '/' };
      file = path.join(file, 'index.html');
      st = fs.statSync(file);
    }
    if (!st.isFile()) return null;
    const real = fs.realpathSync(file);
    if (!inside(mount.root, real)) return null;
    return { file: real, size: st.size };
  } catch {
    return null;
  }
}

function send(req, res, status, file, size) {
  const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
  res.writeHead(status, {
    'content-type': type,
    'content-length': size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file).pipe(res);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return res.end();
  }
  const urlPath = new URL(req.url, 'http://127.0.0.1').pathname;
  const mount = mounts.find((m) => urlPath.startsWith(m.prefix) || urlPath + '/' === m.prefix);
  if (!mount) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return res.end('not found\n');
  }
  if (urlPath + '/' === mount.prefix) {
    res.writeHead(301, { location: mount.prefix });
    return res.end();
  }
  const hit = resolve(mount, urlPath);
  if (hit && hit.redirect) {
    res.writeHead(301, { location: hit.redirect });
    return res.end();
  }
  if (hit) return send(req, res, 200, hit.file, hit.size);
  // The 长者版 and each edition (hant/, hant/elder/) have their own 404 page.
  const rest = urlPath.slice(mount.prefix.length);
  const folder = ['hant/elder/', 'hant/', 'ug/elder/', 'ug/', 'elder/'].find((f) => rest.startsWith(f) && fs.existsSync(path.join(mount.root, f, '404.html'))) || '';
  const notFound = path.join(mount.root, folder, '404.html');
  if (fs.existsSync(notFound)) return send(req, res, 404, notFound, fs.statSync(notFound).size);
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
