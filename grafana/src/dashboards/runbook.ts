// Runbook: one text panel per alert rule, so the rules' runbook_url works with nothing but Grafana (no
// published docs needed, offline included). The full sections live in docs/runbook.md; each panel
// holds what the rule means, when it fires and the first checks.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as text from '@grafana/grafana-foundation-sdk/text';
import { allAlertSpecs, type AlertSpec } from '../alerts.ts';
import { DASHBOARD_UIDS, baseDashboard } from '../common.ts';
import type { GrafanaSettings } from '../settings.ts';

/** Grafana's alert templates ({{ $labels.x }}) mean nothing in a text panel: show the label name. */
function untemplate(s: string): string {
  return s.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, '<$1>').replace(/\{\{[^}]*\}\}/g, '…');
}

export function runbookMarkdown(spec: AlertSpec): string {
  const op = spec.threshold.op === 'gt' ? '>' : '<';
  return [
    `**${spec.severity}** · fires when the ${spec.lang === 'flux' ? 'Flux' : 'PromQL'} value is ${op} ${spec.threshold.value} for ${spec.for} · no data: ${spec.noDataState}`,
    '',
    untemplate(spec.description),
    '',
    '**First checks**',
    '',
    ...(spec.check ?? ['See docs/runbook.md.']).map((c, i) => `${i + 1}. ${c}`),
    '',
    `Full section: \`docs/runbook.md#${spec.anchor}\`.`,
    '',
    '```',
    spec.query,
    '```',
  ].join('\n');
}

export function runbookDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const b = baseDashboard({
    title: 'CryptoCrawler: Runbook',
    uid: DASHBOARD_UIDS.runbook,
    what: 'What each alert rule means and what to check first; the alerts link to their panel here.',
    tags: ['runbook'],
    from: 'now-1h',
  });
  for (const spec of allAlertSpecs(s)) {
    b.withPanel(
      new text.PanelBuilder()
        .title(spec.title)
        .mode(text.TextMode.Markdown)
        .content(runbookMarkdown(spec))
        .height(10)
        .span(12),
    );
  }
  return b;
}
