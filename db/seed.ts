/** A small demo plant for `npm start`: people with roles on two lines and one policy per type. */
import type { Db } from './index.js';
import { upsertPolicy } from './policies.js';
import { DEFAULT_RESPONSIBLE_ROLE, EXCEPTION_TYPES, type JobRole } from '../domain/model.js';

interface DemoPerson {
  name: string;
  email: string;
  phone: string;
  locale: 'en' | 'zh-CN';
  roles: Array<{ role: JobRole; line: string | null }>;
}

const PEOPLE: DemoPerson[] = [
  {
    name: 'Wang Fang',
    email: 'wang.fang@plant.example',
    phone: '+8613800000001',
    locale: 'zh-CN',
    roles: [{ role: 'purchasing', line: null }],
  },
  {
    name: 'Sam Carter',
    email: 'sam.carter@plant.example',
    phone: '+8613800000002',
    locale: 'en',
    roles: [{ role: 'dispatcher', line: null }],
  },
  {
    name: 'Li Wei',
    email: 'li.wei@plant.example',
    phone: '+8613800000003',
    locale: 'zh-CN',
    roles: [{ role: 'maintenance', line: 'L1' }],
  },
  {
    name: 'Ana Souza',
    email: 'ana.souza@plant.example',
    phone: '+8613800000004',
    locale: 'en',
    roles: [{ role: 'maintenance', line: 'L2' }],
  },
  {
    name: 'Zhang Min',
    email: 'zhang.min@plant.example',
    phone: '+8613800000005',
    locale: 'zh-CN',
    roles: [{ role: 'qc_engineer', line: null }],
  },
  {
    name: 'Chen Jie',
    email: 'chen.jie@plant.example',
    phone: '+8613800000006',
    locale: 'zh-CN',
    roles: [{ role: 'planner', line: null }],
  },
  {
    name: 'Maria Rossi',
    email: 'maria.rossi@plant.example',
    phone: '+8613800000007',
    locale: 'en',
    roles: [{ role: 'customer_service', line: null }],
  },
  {
    name: 'Liu Yang',
    email: 'liu.yang@plant.example',
    phone: '+8613800000008',
    locale: 'zh-CN',
    roles: [{ role: 'supervisor', line: null }],
  },
  {
    name: 'Zhao Lei',
    email: 'zhao.lei@plant.example',
    phone: '+8613800000009',
    locale: 'zh-CN',
    roles: [{ role: 'plant_manager', line: null }],
  },
];

/** Inserts the demo plant once (no-op when people already exist). Returns true when it seeded. */
export async function seedDemoPlant(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    const rows = await trx('people').count<{ count: string }[]>({ count: '*' });
    if (Number(rows[0]?.count ?? 0) > 0) return false;
    for (const p of PEOPLE) {
      const [row] = await trx('people')
        .insert({ name: p.name, email: p.email, phone: p.phone, locale: p.locale })
        .returning<Array<{ id: number }>>('id');
      for (const r of p.roles)
        await trx('person_roles').insert({ person_id: row!.id, role: r.role, line: r.line });
    }
    await trx('lines')
      .insert([
        { code: 'L1', name: 'Line 1 (stamping)' },
        { code: 'L2', name: 'Line 2 (assembly)' },
      ])
      .onConflict('code')
      .ignore();
    for (const type of EXCEPTION_TYPES) {
      await upsertPolicy(trx, {
        type,
        severity: null,
        line: null,
        ladder: [
          {
            targetRole: DEFAULT_RESPONSIBLE_ROLE[type],
            channels: ['sms', 'email'],
            ackTimeoutSeconds: 5 * 60,
          },
          { targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 10 * 60 },
          { targetRole: 'plant_manager', channels: ['email'], ackTimeoutSeconds: 20 * 60 },
        ],
        resolveSlaSeconds: 4 * 60 * 60,
      });
    }
    return true;
  });
}
