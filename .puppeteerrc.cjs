// Never download a browser: briefpress uses the system Chromium (see src/browser/).
module.exports = { skipDownload: true };
