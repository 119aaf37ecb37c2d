import type { Command } from 'commander';
import { openContext } from '../runs/context.js';
import { buildNetwork, type NetworkBuildSummary } from '../runs/network-build.js';
import { integerOption } from './options.js';

export function formatNetworkBuild(s: NetworkBuildSummary): string[] {
  const states = Object.entries(s.referrals.byState)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `care network of ${s.jurisdiction} ${s.year} (parameters ${s.paramVersion.slice(0, 12)}, seed ${s.seed}, as of ${s.asOf})`,
    `  referrals 转诊 ${s.referrals.total} (${states}); left-county alerts 县外未转诊预警 ${s.alerts}`,
    `  family doctors 家庭医生: ${s.teams} teams, ${s.contracts} contracts, ${s.services} services delivered (synthetic)`,
    renewalLine(s.contractRenewal),
    `  remote 远程: ${s.remoteRequests} requests, ${s.outreachSessions} outreach sessions (synthetic)`,
    `  workforce 村医: ${s.villageDoctors} village doctors, ${s.trainingRecords} training records (synthetic)`,
    `  time ${s.seconds.toFixed(1)} s`,
  ];
}

/** 续约: how this year's contracts relate to last year's. */
function renewalLine(r: NetworkBuildSummary['contractRenewal']): string {
  if (!r.previousBuilt) return `  renewal 续约: ${r.previousYear} is not built, so every contract is new (build ${r.previousYear} first to renew its contracts)`;
  const warn = r.nextYearRenewalsMissing ? `; ${r.nextYearRenewalsMissing} renewals of ${r.previousYear + 2} name contracts this build no longer has: rebuild ${r.previousYear + 2}` : '';
  return `  renewal 续约: ${r.renewed} renewed from ${r.previousYear}, ${r.new} new, ${r.lapsed} lapsed${warn}`;
}

export function registerNetwork(program: Command): void {
  const network = program.command('network').description('the care network (分级诊疗): referral workflows, family doctors, remote care, the village workforce');
  network
    .command('build')
    .description('build a county-year\'s network data: referral workflows from the generated referral events, left-county alerts, family-doctor teams and contracts, and synthetic remote requests, outreach sessions and village doctors (seeded)')
    .option('--jurisdiction <id>', 'county whose data and parameters apply', 'demo')
    .requiredOption('--year <y>', 'a loaded year', integerOption('--year'))
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nRunning it again replaces the year\'s built rows; referrals requested through the API stay. See docs/network.md.')
    .action(async (flags: { jurisdiction: string; year: number; json?: boolean }) => {
      const ctx = await openContext();
      try {
        const s = await buildNetwork(ctx, { jurisdiction: flags.jurisdiction, year: flags.year, onStage: flags.json ? () => {} : (m) => console.error(`sanyi: ${m}`) });
        if (flags.json) console.log(JSON.stringify(s, null, 2));
        else for (const l of formatNetworkBuild(s)) console.log(l);
      } finally {
        await ctx.close();
      }
    });
}
