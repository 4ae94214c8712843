// briefpress preview: toolbar, live updates (server-sent events), the three views and the error overlay.
import { EpubView } from './epub-view.js';
import { PdfView, ZOOMS } from './pdf-view.js';

const $ = (id) => document.getElementById(id);
const store = 'briefpress-preview';
const saved = JSON.parse(sessionStorage.getItem(store) || '{}');
const prefs = { view: saved.view || 'pdf', zoom: saved.zoom || 1, spread: Boolean(saved.spread), scroll: saved.scroll || {} };
const persist = () => sessionStorage.setItem(store, JSON.stringify(prefs));

const pdf = new PdfView($('sheets'), $('view-pdf'));
const epub = new EpubView($('epub-book'), $('epub-at'));
pdf.zoom = prefs.zoom;
pdf.setSpread(prefs.spread);

let state = { series: '', briefs: [] };
let slug = decodeURIComponent(location.hash.slice(1).split('/')[0] || '') || null;
if (location.hash.split('/')[1]) prefs.view = location.hash.split('/')[1];
/** What each view shows: `slug@version`. */
const shown = { pdf: '', web: '', epub: '' };

const current = () => state.briefs.find((b) => b.slug === slug);

// ---- live state from the server
function connect() {
  const es = new EventSource('/api/events');
  es.addEventListener('state', (e) => {
    state = JSON.parse(e.data);
    if (!slug || !current()) choose(state.first && state.briefs.some((b) => b.slug === state.first) ? state.first : state.briefs[0]?.slug);
    render();
  });
  es.onerror = () => {
    document.body.dataset.state = 'offline';
    $('status').textContent = 'Reconnecting…';
  };
}

/** Which brief and edition are on screen: the server builds that one first. */
function tellServer() {
  const view = { pdf: 'pdf', web: 'html', epub: 'epub' }[prefs.view];
  fetch('/api/open', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ slug, view }) }).catch(() => {});
}

function choose(next) {
  if (!next) return;
  if (slug && slug !== next) {
    prefs.scroll[slug] = $('view-pdf').scrollTop;
    persist();
  }
  slug = next;
  history.replaceState(null, '', `#${encodeURIComponent(slug)}/${prefs.view}`);
  tellServer();
}

// ---- drawing
function render() {
  const cur = current();
  $('series').textContent = state.series;
  document.title = cur ? `${cur.title} · briefpress preview` : 'briefpress preview';
  renderPicker();
  renderStatus(cur);
  renderOverlay(cur);
  const empty = $('empty');
  empty.hidden = Boolean(cur?.built);
  empty.textContent = !cur ? 'No brief' : cur.state === 'error' ? 'No pages yet: the brief does not build.' : `Building ${cur.title}…`;
  if (!cur?.built) return;
  void syncPdf();
  if (prefs.view === 'web') syncWeb();
  if (prefs.view === 'epub') void syncEpub();
}

function renderPicker() {
  const sel = $('brief');
  const sig = state.briefs.map((b) => `${b.slug}\u0000${b.number ?? ''}\u0000${b.title}`).join('\u0001');
  if (sel.dataset.sig !== sig) {
    sel.replaceChildren(
      ...state.briefs.map((b) => {
        const o = document.createElement('option');
        o.value = b.slug;
        o.textContent = `${b.number ? `No. ${b.number} · ` : ''}${b.title}`;
        return o;
      }),
    );
    sel.dataset.sig = sig;
    sel.disabled = state.briefs.length < 2;
  }
  sel.value = slug ?? '';
}

function renderStatus(cur) {
  const st = $('status');
  const s = !cur ? 'waiting' : cur.state === 'waiting' ? 'building' : cur.state;
  document.body.dataset.state = s;
  const secs = (ms) => `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const errors = cur?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
  const warnings = cur?.diagnostics.filter((d) => d.severity === 'warning').length ?? 0;
  if (s === 'building') st.textContent = 'Building…';
  else if (s === 'error') st.textContent = `${errors} error${errors === 1 ? '' : 's'}`;
  else if (cur?.drawnMs) st.textContent = `Updated in ${secs(cur.drawnMs)}`;
  else if (cur?.buildMs) st.textContent = `Built in ${secs(cur.buildMs)}`;
  else st.textContent = 'Ready';
  if (s === 'ok' && warnings) st.textContent += ` · ${warnings} warning${warnings === 1 ? '' : 's'}`;
  st.title = [cur?.buildMs && `Build ${secs(cur.buildMs)}`, pdf.lastDrawMs && `pages drawn in ${secs(pdf.lastDrawMs)}`, cur?.drawnMs && `save to pages ${secs(cur.drawnMs)}`].filter(Boolean).join(' · ');
}

/** The error shown and hidden by the editor (shown again by a new error or the status button). */
let dismissed = '';
function renderOverlay(cur) {
  const errors = cur?.state === 'error' ? cur.diagnostics : [];
  const sig = JSON.stringify(errors);
  if (!errors.length) dismissed = '';
  $('overlay').hidden = errors.length === 0 || dismissed === sig;
  if (!errors.length) return;
  const n = errors.filter((d) => d.severity === 'error').length;
  $('overlay-count').textContent = `${n} error${n === 1 ? '' : 's'}`;
  $('overlay-title').textContent = cur.built ? `${cur.title} did not rebuild` : `${cur.title} does not build`;
  $('overlay-list').replaceChildren(
    ...errors.map((d) => {
      const li = document.createElement('li');
      li.className = d.severity;
      const place = document.createElement('span');
      place.className = 'place';
      place.textContent = d.file ? (d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file) : 'briefpress';
      const rule = document.createElement('span');
      rule.className = 'rule';
      rule.textContent = d.ruleId;
      const msg = document.createElement('p');
      msg.className = 'message';
      msg.textContent = d.message;
      li.append(place, rule, msg);
      if (d.hint) {
        const hint = document.createElement('p');
        hint.className = 'hint';
        hint.textContent = d.hint;
        li.append(hint);
      }
      return li;
    }),
  );
}

let pdfBusy = false;
let pdfAgain = false;
async function syncPdf() {
  if (pdfBusy) {
    pdfAgain = true;
    return;
  }
  pdfBusy = true;
  try {
    do {
      pdfAgain = false;
      const cur = current();
      if (!cur?.files.pdf) break;
      const key = `${cur.slug}@${cur.versions.pdf}`;
      if (key === shown.pdf) break;
      const newBrief = !shown.pdf.startsWith(`${cur.slug}@`);
      if (newBrief) pdf.clear();
      if (!(await pdf.load(`${cur.files.pdf}?v=${cur.versions.pdf}`))) continue;
      if (newBrief) $('view-pdf').scrollTop = prefs.scroll[cur.slug] ?? 0;
      shown.pdf = key;
      $('pages').textContent = `${pdf.numPages} page${pdf.numPages === 1 ? '' : 's'}`;
      Object.assign(document.body.dataset, { slug: cur.slug, version: String(cur.versions.pdf), pages: String(pdf.numPages), zoom: String(pdf.zoom) });
      $('zoom').textContent = `${Math.round(pdf.zoom * 100)}%`;
      // Tell the server the new pages are on screen (it measures save -> drawn).
      fetch('/api/drawn', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ slug: cur.slug, version: cur.versions.pdf }) }).catch(() => {});
    } while (pdfAgain);
  } catch (e) {
    console.error(e);
  } finally {
    pdfBusy = false;
  }
}

function syncWeb() {
  const cur = current();
  if (!cur?.files.html) return;
  const key = `${cur.slug}@${cur.versions.html}`;
  if (key === shown.web) return;
  const frame = $('web-frame');
  let y = 0;
  try {
    if (shown.web.startsWith(`${cur.slug}@`)) y = frame.contentWindow.scrollY;
  } catch {}
  frame.onload = () => {
    try {
      frame.contentWindow.scrollTo(0, y);
    } catch {}
  };
  frame.src = `${cur.files.html}?v=${cur.versions.html}`;
  shown.web = key;
}

let epubBusy = false;
async function syncEpub() {
  const cur = current();
  if (!cur?.files.epub || epubBusy) return;
  const key = `${cur.slug}@${cur.versions.epub}`;
  if (key === shown.epub) return;
  epubBusy = true;
  try {
    if (!shown.epub.startsWith(`${cur.slug}@`)) epub.clear();
    if (await epub.load(cur.slug, cur.versions.epub)) shown.epub = key;
  } catch (e) {
    console.error(e);
    $('epub-book').textContent = `The EPUB could not be shown: ${e.message}`;
  } finally {
    epubBusy = false;
  }
  if (current() && `${current().slug}@${current().versions.epub}` !== shown.epub && prefs.view === 'epub') void syncEpub();
}

// ---- toolbar
function showView(v) {
  prefs.view = v;
  persist();
  document.body.dataset.view = v;
  for (const b of document.querySelectorAll('.tabs button')) b.setAttribute('aria-selected', String(b.dataset.view === v));
  for (const name of ['pdf', 'web', 'epub']) $(`view-${name}`).hidden = name !== v;
  if (slug) {
    history.replaceState(null, '', `#${encodeURIComponent(slug)}/${v}`);
    tellServer();
  }
  render();
}

async function zoomTo(z) {
  const drawn = pdf.setZoom(z);
  $('zoom').textContent = `${Math.round(pdf.zoom * 100)}%`;
  prefs.zoom = pdf.zoom;
  persist();
  if (await drawn) document.body.dataset.zoom = String(pdf.zoom);
}
const zoomStep = (dir) => {
  const z = pdf.zoom;
  const next = dir > 0 ? ZOOMS.find((s) => s > z + 0.001) : [...ZOOMS].reverse().find((s) => s < z - 0.001);
  return zoomTo(next ?? z);
};
const fit = async () => zoomTo(await pdf.fitZoom());
const toggleSpread = () => {
  prefs.spread = !prefs.spread;
  persist();
  pdf.setSpread(prefs.spread);
  $('spread').setAttribute('aria-pressed', String(prefs.spread));
  // Two pages side by side rarely fit at the single-page zoom: fit them to the window.
  const view = $('view-pdf');
  if (prefs.spread && view.scrollWidth > view.clientWidth) void fit();
};

$('brief').addEventListener('change', (e) => {
  choose(e.target.value);
  render();
});
for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => showView(b.dataset.view));
$('zoom-in').addEventListener('click', () => zoomStep(1));
$('zoom-out').addEventListener('click', () => zoomStep(-1));
$('zoom-fit').addEventListener('click', fit);
$('spread').addEventListener('click', toggleSpread);
$('status').addEventListener('click', () => {
  dismissed = '';
  renderOverlay(current());
});
const dismiss = () => {
  const cur = current();
  if (cur?.state !== 'error') return;
  dismissed = JSON.stringify(cur.diagnostics);
  $('overlay').hidden = true;
};
$('overlay-close').addEventListener('click', dismiss);
$('epub-prev').addEventListener('click', () => epub.prev());
$('epub-next').addEventListener('click', () => epub.next());
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLSelectElement || e.metaKey || e.ctrlKey || e.altKey) return;
  if (e.key === 'Escape') return dismiss();
  if (prefs.view === 'pdf') {
    if (e.key === '+' || e.key === '=') zoomStep(1);
    else if (e.key === '-') zoomStep(-1);
    else if (e.key === '0') fit();
    else if (e.key === 's') toggleSpread();
  } else if (prefs.view === 'epub') {
    if (e.key === 'ArrowRight') epub.next();
    else if (e.key === 'ArrowLeft') epub.prev();
  }
});
addEventListener('beforeunload', () => {
  if (slug) prefs.scroll[slug] = $('view-pdf').scrollTop;
  persist();
});

$('spread').setAttribute('aria-pressed', String(prefs.spread));
$('zoom').textContent = `${Math.round(pdf.zoom * 100)}%`;
showView(['pdf', 'web', 'epub'].includes(prefs.view) ? prefs.view : 'pdf');
connect();
