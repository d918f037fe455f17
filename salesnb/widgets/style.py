"""The widgets' stylesheet (a string, so it ships with the code and works in JupyterLab too)."""

CSS = """\
/* salesnb widgets: a calm, readable look with a Chinese font. Scoped to .snb-app. */
.snb-app {
  --snb-font: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif;
  --snb-text: #1f2937;
  --snb-muted: #6b7280;
  --snb-line: #e5e7eb;
  --snb-soft: #f8fafc;
  --snb-accent: #1d4ed8;
  --snb-good: #047857;
  --snb-good-bg: #ecfdf5;
  --snb-warn: #b45309;
  --snb-warn-bg: #fffbeb;
  --snb-bad: #b91c1c;
  --snb-bad-bg: #fef2f2;
  --snb-info-bg: #eff6ff;
  --jp-ui-font-family: var(--snb-font);
  --jp-content-font-family: var(--snb-font);
  --jp-widgets-font-size: 14px;
  --jp-widgets-inline-height: 32px;
  --jp-widgets-input-border-color: #cbd5e1;
  font-family: var(--snb-font);
  font-size: 14px;
  color: var(--snb-text);
  max-width: 1120px;
  margin: 0 auto;
  gap: 10px;
}
.snb-app .widget-label, .snb-app .widget-html-content, .snb-app input, .snb-app select,
.snb-app textarea, .snb-app button { font-family: var(--snb-font); }
.snb-app .widget-html-content { line-height: 1.6; font-size: 14px; }

/* title bar */
.snb-home { display: inline-block; color: var(--snb-accent) !important; text-decoration: none; font-size: 13px;
  font-weight: 600; margin-bottom: 4px; }
.snb-home:hover { text-decoration: underline; }
.snb-who { float: right; font-size: 13px; color: var(--snb-muted, #5a6b7b); }
.snb-who a { color: var(--snb-accent) !important; margin-left: 2px; }
.snb-header { border-bottom: 2px solid var(--snb-accent); margin-bottom: 4px; }
.snb-header h2 { margin: 0 0 2px 0; font-size: 22px; font-weight: 600; color: var(--snb-text); }
.snb-header p { margin: 0 0 8px 0; color: var(--snb-muted); font-size: 13px; }

/* banners */
.snb-msg { padding: 10px 14px; border-radius: 6px; border: 1px solid; margin: 2px 0; white-space: pre-wrap; }
.snb-msg.snb-bad { color: var(--snb-bad); background: var(--snb-bad-bg); border-color: #fecaca; }
.snb-msg.snb-good { color: var(--snb-good); background: var(--snb-good-bg); border-color: #a7f3d0; }
.snb-msg.snb-warn { color: var(--snb-warn); background: var(--snb-warn-bg); border-color: #fde68a; }
.snb-msg.snb-info { color: #1e3a8a; background: var(--snb-info-bg); border-color: #bfdbfe; }
.snb-msg strong { margin-right: 6px; }

/* badges */
.snb-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  line-height: 20px; white-space: nowrap; background: #f1f5f9; color: #334155; }
.snb-badge.snb-good { background: var(--snb-good-bg); color: var(--snb-good); }
.snb-badge.snb-warn { background: var(--snb-warn-bg); color: var(--snb-warn); }
.snb-badge.snb-bad { background: var(--snb-bad-bg); color: var(--snb-bad); }
.snb-badge.snb-info { background: var(--snb-info-bg); color: var(--snb-accent); }
.snb-grade { font-size: 28px; font-weight: 700; padding: 4px 16px; border-radius: 8px; }

/* cards and sections */
.snb-card { border: 1px solid var(--snb-line); border-radius: 8px; padding: 12px 16px; background: #fff;
  box-shadow: 0 1px 2px rgba(15, 23, 42, .04); margin-bottom: 10px; }
.snb-section-title { font-weight: 600; font-size: 15px; margin: 6px 0 4px 0; color: var(--snb-text); }
.snb-muted { color: var(--snb-muted); font-size: 13px; }
.snb-empty { color: var(--snb-muted); font-style: italic; padding: 6px 0; }
.snb-required { color: var(--snb-bad); margin-left: 2px; }
.snb-label { min-width: 150px; max-width: 150px; padding-top: 5px; color: #334155; }
.snb-label.snb-inline-label { min-width: 0; max-width: none; padding: 0 0 0 6px; }
.snb-row { align-items: flex-start; gap: 8px; }
.snb-toolbar { gap: 8px; align-items: center !important; flex-wrap: wrap; }
.snb-toolbar .widget-html, .snb-toolbar .widget-html-content { margin-top: 0; margin-bottom: 0; display: flex; align-items: center; }

.snb-two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.snb-customer-name { margin: 0 0 6px 0; font-size: 18px; }

/* tables */
.snb-table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0; }
.snb-table th { background: var(--snb-soft); text-align: left; font-weight: 600; color: #334155;
  border-bottom: 1px solid var(--snb-line); padding: 6px 8px; white-space: nowrap; }
.snb-table td { border-bottom: 1px solid #f1f5f9; padding: 6px 8px; vertical-align: top; }
.snb-table tr:hover td { background: #f8fafc; }
.snb-list { margin: 2px 0; padding-left: 20px; }
.snb-fields { display: grid; grid-template-columns: 110px 1fr; gap: 4px 16px; margin: 4px 0; }
.snb-facts { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 2px 0; }
.snb-fact { white-space: nowrap; }
.snb-k { color: var(--snb-muted); margin-right: 8px; }
.snb-fields dt { color: var(--snb-muted); }
.snb-fields dd { margin: 0; }

/* stages of the sales process */
.snb-stages { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 6px; margin: 6px 0; }
.snb-stage { border: 1px solid var(--snb-line); border-radius: 6px; padding: 6px 8px; background: var(--snb-soft);
  font-size: 12px; min-height: 64px; }
.snb-stage b { display: block; font-size: 13px; margin-bottom: 2px; }
.snb-stage.snb-has-issues { border-color: #fca5a5; background: var(--snb-bad-bg); }
.snb-stage ul { margin: 0; padding-left: 14px; }

/* timeline */
.snb-timeline { list-style: none; padding-left: 0; margin: 4px 0; border-left: 3px solid #bfdbfe; }
.snb-timeline li { position: relative; padding: 4px 0 8px 16px; }
.snb-timeline li::before { content: ""; position: absolute; left: -8px; top: 9px; width: 11px; height: 11px;
  border-radius: 50%; background: var(--snb-accent); }
.snb-timeline .snb-when { font-weight: 600; margin-right: 8px; }

/* downloads and links */
.snb-download { display: inline-block; margin: 4px 0; padding: 6px 14px; border-radius: 6px; background: var(--snb-accent);
  color: #fff !important; text-decoration: none; font-weight: 600; }
.snb-download:hover { background: #1e40af; }

.snb-app .jupyter-widget-tag { font-size: 13px; }
.snb-app .jupyter-widget-tag-close::before { content: "×"; font-style: normal; margin-left: 4px; font-weight: 700; }
.snb-app .jupyter-widget-tags { border: 1px solid #cbd5e1; border-radius: 4px; min-height: 32px; width: 100%; }
.snb-level .snb-label { min-width: 130px; max-width: 130px; }
.snb-timeline .snb-event-deadline::before { background: var(--snb-warn); }
.snb-timeline .snb-event-escalation::before, .snb-timeline .snb-event-repeat::before { background: var(--snb-bad); }
.snb-timeline .snb-event-start::before { background: var(--snb-good); }

.snb-match-count { font-size: 20px; font-weight: 700; color: var(--snb-accent); margin: 2px 0 6px 0; }
.snb-condition { margin: 2px 0; }

.snb-summary { display: flex; flex-wrap: wrap; gap: 6px; margin: 2px 0; }

/* landing page tiles */
.snb-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; margin-top: 8px; }
.snb-tile { display: block; border: 1px solid var(--snb-line); border-radius: 10px; padding: 16px 18px; background: #fff;
  color: var(--snb-text) !important; text-decoration: none; box-shadow: 0 1px 3px rgba(15, 23, 42, .06); }
.snb-tile:hover { border-color: var(--snb-accent); box-shadow: 0 4px 12px rgba(29, 78, 216, .12); }
.snb-tile b { display: block; font-size: 17px; margin-bottom: 6px; color: var(--snb-accent); }
.snb-tile span { color: var(--snb-muted); font-size: 13px; }

/* widgets tweaks */
.snb-app .jupyter-button { border-radius: 6px; padding: 0 14px; }
.snb-app .jupyter-button.mod-primary { background-color: var(--snb-accent); }
.snb-app .jupyter-button:disabled { opacity: .45; }
.snb-app .widget-toggle-buttons .jupyter-button { background: #f1f5f9; border: 1px solid #cbd5e1; color: #334155; }
.snb-app .widget-toggle-buttons .jupyter-button.mod-active { background: var(--snb-accent); border-color: var(--snb-accent);
  color: #fff; box-shadow: none; }
.snb-app .widget-select select { font-size: 14px; }
.snb-app .widget-tab > .p-TabBar .p-TabBar-tab, .snb-app .widget-tab > .lm-TabBar .lm-TabBar-tab { min-width: 120px; }

/* My work (我的待办): cards that stack; at a phone's width (WeCom's in-app browser, 375 px) everything is one column */
.snb-work, .snb-work-team { width: 100%; max-width: 760px; }
.snb-work-card { border: 1px solid var(--snb-line, #e5e7eb); border-radius: 8px; padding: 10px 12px; margin: 6px 0;
  background: #fff; box-sizing: border-box; width: 100%; }
.snb-work-card.snb-work-selected { border-color: var(--snb-accent); box-shadow: 0 0 0 2px rgba(37, 99, 235, .25); }
.snb-work-text { overflow-wrap: anywhere; }
.snb-work-title { font-weight: 600; }
.snb-work-link { color: var(--snb-accent) !important; text-decoration: none; font-size: 13px; }
.snb-work-actions { flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.snb-work-notes { margin-top: 4px; padding-left: 8px; border-left: 3px solid var(--snb-line, #e5e7eb);
  font-size: 13px; }
.snb-work-note-line { color: #374151; white-space: pre-wrap; }
.snb-work-pager { align-items: center; gap: 8px; margin-top: 6px; }
@media (max-width: 600px) {
  body { margin: 0 !important; }
  .snb-app { padding: 8px !important; max-width: 100vw; box-sizing: border-box; }
  .snb-app .widget-hbox, .snb-app .snb-row, .snb-app .snb-toolbar { flex-wrap: wrap; }
  .snb-app .widget-select, .snb-app .widget-text, .snb-app .widget-dropdown { width: 100% !important; }
  .snb-work-actions .jupyter-button, .snb-work-actions .widget-text, .snb-work-actions .widget-dropdown {
    flex: 1 1 100%; width: 100% !important;
    height: 40px; margin: 0; }
  .snb-work-card { padding: 10px; }
  .snb-header h2 { font-size: 20px; }
}
"""
