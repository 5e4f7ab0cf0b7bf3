// Grafana provisioning files (datasources, dashboard provider, contact point, policy). Values written
// as $NAME are interpolated by Grafana from its environment when it reads the file, so no secret or
// deployment-specific URL is ever committed.
import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import { ANOMALY_ALERT_TITLE, ANOMALY_LABELS } from './alerts.ts';
import type { GrafanaSettings } from './settings.ts';

/** Where docker-compose mounts grafana/dashboards inside the Grafana container. */
export const DASHBOARDS_MOUNT = '/var/lib/grafana/dashboards';
export const CONTACT_POINT = { name: 'cryptocrawler-webhook', uid: 'cryptocrawler-webhook' } as const;

export function datasourcesFile(s: GrafanaSettings): Record<string, unknown> {
  return {
    apiVersion: 1,
    deleteDatasources: [],
    datasources: [
      {
        name: s.datasources.influx.name,
        uid: s.datasources.influx.uid,
        type: 'influxdb',
        access: 'proxy',
        url: s.datasources.influx.url,
        isDefault: true,
        editable: false,
        jsonData: {
          version: 'Flux',
          organization: s.org,
          defaultBucket: s.buckets.main,
          tlsSkipVerify: false,
          timeInterval: '1m',
        },
        // A read-only token created by `cryptocrawler setup` (tokens.grafana), passed in the environment.
        secureJsonData: { token: '$INFLUX_GRAFANA_TOKEN' },
      },
      {
        name: s.datasources.prometheus.name,
        uid: s.datasources.prometheus.uid,
        type: 'prometheus',
        access: 'proxy',
        url: s.datasources.prometheus.url,
        isDefault: false,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: '15s' },
      },
    ],
  };
}

export function dashboardProvidersFile(s: GrafanaSettings): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'cryptocrawler',
        orgId: 1,
        // The folder by title only, as the alert rules name it: with a folderUid here as well, Grafana
        // (which provisions alerting first) creates a second "CryptoCrawler" folder.
        folder: s.folder.title,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
}

/**
 * The webhook contact point is opt-in: its files go to grafana/provisioning-optional/webhook/, and
 * the Grafana container copies them over its provisioning only when ALERT_WEBHOOK_URL is set
 * (docker-compose.yml). Without it, alerts route to Grafana's built-in `grafana-default-email`
 * contact point (shown in Grafana's alert list; mails only once SMTP is configured), so nothing is
 * ever sent to a URL that points nowhere.
 */
export const DEFAULT_RECEIVER = 'grafana-default-email';
export const WEBHOOK_DIR = 'grafana/provisioning-optional/webhook';

export function contactPointsFile(): Record<string, unknown> {
  const cp = new alerting.ContactPointBuilder()
    .name(CONTACT_POINT.name)
    .uid(CONTACT_POINT.uid)
    .type('webhook')
    .settings({ url: '$ALERT_WEBHOOK_URL', httpMethod: 'POST' })
    .disableResolveMessage(false)
    .build();
  // File shape: a named contact point with a list of receivers (the API shape is one flat receiver).
  return {
    apiVersion: 1,
    contactPoints: [
      {
        orgId: 1,
        name: cp.name,
        receivers: [
          {
            uid: cp.uid,
            type: cp.type,
            settings: cp.settings,
            disableResolveMessage: cp.disableResolveMessage,
          },
        ],
      },
    ],
  };
}

/**
 * The policy tree. Anomaly alerts get their own route grouped per series, with a repeat interval
 * longer than any episode (alerts.ts ANOMALY_LOOKBACK_SECONDS): one notification when an episode
 * starts and one when it resolves, never one per minute.
 */
export function policiesFile(receiver: string = DEFAULT_RECEIVER): Record<string, unknown> {
  const anomalies = new alerting.NotificationPolicyBuilder()
    .receiver(receiver)
    .objectMatchers([['alertname', '=', ANOMALY_ALERT_TITLE]])
    .groupBy(['alertname', ...ANOMALY_LABELS])
    .groupWait('30s')
    .groupInterval('15m')
    .repeatInterval('24h');
  const p = new alerting.NotificationPolicyBuilder()
    .receiver(receiver)
    .groupBy(['grafana_folder', 'alertname'])
    .groupWait('30s')
    .groupInterval('5m')
    .repeatInterval('4h')
    .routes([anomalies])
    .build();
  return { apiVersion: 1, policies: [{ orgId: 1, ...p }] };
}
