// Grafana provisioning files (datasources, dashboard provider, contact point, policy). Values written
// as $NAME are interpolated by Grafana from its environment when it reads the file, so no secret or
// deployment-specific URL is ever committed.
import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
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
        folder: s.folder.title,
        folderUid: s.folder.uid,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
}

export function contactPointsFile(): Record<string, unknown> {
  const cp = new alerting.ContactPointBuilder()
    .name(CONTACT_POINT.name)
    .uid(CONTACT_POINT.uid)
    .type('webhook')
    .settings({ url: '$GRAFANA_WEBHOOK_URL', httpMethod: 'POST' })
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

export function policiesFile(): Record<string, unknown> {
  const p = new alerting.NotificationPolicyBuilder()
    .receiver(CONTACT_POINT.name)
    .groupBy(['grafana_folder', 'alertname'])
    .groupWait('30s')
    .groupInterval('5m')
    .repeatInterval('4h')
    .build();
  return { apiVersion: 1, policies: [{ orgId: 1, ...p }] };
}
