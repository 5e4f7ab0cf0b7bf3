// The emerging-term alert: a term rarely or never seen before jumped in a topic (a new ticker, a hack,
// an exchange name). One instance per topic; it fires when an `emerging_term` point of the 5-minute
// interval lands and resolves once the point is older than the look-back. Registered with one line
// in alerts.ts (allAlertSpecs).
import type { AlertSpec } from './alerts.ts';
import { EMERGING_PANEL_TITLE } from './dashboards/trends.ts';
import { and, eq, from } from './flux.ts';
import type { GrafanaSettings } from './settings.ts';

/**
 * A point is stamped with its interval's start and written after the interval ends (5 min + grace),
 * so the rule sees it for about 10 minutes of this look-back: one firing per event.
 */
export const EMERGING_LOOKBACK_SECONDS = 900;
export const EMERGING_ALERT_TITLE = 'Emerging term';

export function trendAlertSpecs(s: GrafanaSettings): AlertSpec[] {
  return [
    {
      uid: 'cryptocrawler-emerging-term',
      title: EMERGING_ALERT_TITLE,
      anchor: 'emerging-term',
      panel: { dashboard: 'trends', title: EMERGING_PANEL_TITLE },
      check: [
        'Open the Trends dashboard on the topic: the Emerging terms table names the term, its posts and its baseline.',
        'Read a few posts with the term (raw bucket, measurement `post`): a listing, a hack, an exchange, or spam?',
        'Spam or a known word: add it to trends.stopWords in config.yaml and restart the collector.',
      ],
      lang: 'flux',
      query: String(
        from(s.buckets.main)
          .range()
          .filter(and(eq('_measurement', 'emerging_term'), eq('interval', '5m'), eq('_field', 'count')))
          .group(['topic'])
          .count()
          .duplicate('_stop', '_time'),
      ),
      lookbackSeconds: EMERGING_LOOKBACK_SECONDS,
      threshold: { op: 'gt', value: 0 },
      for: '0s',
      // No emerging term is the normal state.
      noDataState: 'OK',
      execErrState: 'Error',
      severity: 'info',
      summary: 'New term trending in {{ $labels.topic }}',
      description:
        '{{ $values.B }} term(s) rarely or never seen before jumped in topic {{ $labels.topic }} in the last ' +
        '15 minutes. The Trends dashboard lists them with their counts and baseline.',
    },
  ];
}
