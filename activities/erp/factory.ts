/** The ERP adapter the settings choose (ANDON_ERP): simulator (default), erpnext, odoo or rest. */
import type { Db } from '../../db/index.js';
import { createErpnextErp } from './erpnext/adapter.js';
import { createOdooErp } from './odoo/adapter.js';
import { createRestErp } from './rest/adapter.js';
import type { ErpSettings } from './settings.js';
import { createSimulatorErp } from './simulator.js';
import type { ErpAdapter } from './types.js';

export function createErpAdapter(
  settings: ErpSettings,
  db: Db,
  opts: { simulatorLatencyMs?: number } = {},
): ErpAdapter {
  switch (settings.kind) {
    case 'simulator':
      return createSimulatorErp(db, { latencyAfterWriteMs: opts.simulatorLatencyMs ?? 0 });
    case 'erpnext':
      return createErpnextErp(settings);
    case 'odoo':
      return createOdooErp(settings);
    case 'rest':
      return createRestErp(settings);
  }
}
