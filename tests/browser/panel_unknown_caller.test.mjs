// Browser test of the agent panel with an unknown caller (issue 5, "Unknown
// caller: optional create contact, and the pop-up offers it"): Debian's
// chromium via playwright-core, the REAL connector, the REAL AMI replay server
// playing a_inbound_answered (+34912345678 rings ana/1001, she answers, the
// caller hangs up), and a HubSpot stand-in (support/hubspot_crm.mjs) that
// does not know the caller.
//
//   node tests/browser/panel_unknown_caller.test.mjs --bin-dir build \
//        --fixtures tests/fixtures --artifacts build/test-artifacts
//
// Ana's card shows the caller within 1 s of the ringing frame, as an unknown
// caller with "Create contact in hs". The gate holds the capture right after
// that frame, so the call rings for as long as the clicks take (and after
// the answer, for as long as the "On call" checks take). Her first click is
// refused by the CRM (400): the card shows the refusal and keeps the button;
// the second creates the contact: the card shows its HubSpot link, and still
// does after a reload of the panel (the connector's live pop-up holds the new
// contact). Then the capture goes on: answered, ended, "Answered" in today's
// list, and exactly one call activity in the CRM, owned by ana's HubSpot user
// and associated with the new contact. No CSP violation or script error.
// Screenshots: <artifacts>/unknown-*.png; timing appended to
// <artifacts>/panel-timings.jsonl. Exit status 0 = pass.
import fs from 'node:fs';
import path from 'node:path';

import {isAnsweredFrame, isRingingFrame} from './support/ami_gate.mjs';
import {CALLER, TOKENS, cardLatency, check, main, signIn, waitForMessage, waitUntil, writeConfig} from './support/harness.mjs';
import {HubspotCrm} from './support/hubspot_crm.mjs';

const TEST_TIMEOUT_MS = 120000;
const CALL_ID = 'main-1795878809.0';  // tests/golden/a_inbound_answered.json
const CRM_TOKEN = 'browser-hubspot-token-0123456789';
const PORTAL = '4242';
const REFUSAL = 'Property values were not valid: phone';
const CONTACTS = '/crm/v3/objects/contacts';
const CALLS = '/crm/v3/objects/calls';

async function test(run, chromium) {
  const problems = [];
  const crm = new HubspotCrm();
  run.closables.push(crm);
  const hubspot = {type: 'hubspot', name: 'hs', base_url: 'http://127.0.0.1:' + (await crm.listen()), token: CRM_TOKEN,
                   portal_id: PORTAL, create_unknown_contacts: true, users: {ana: '75001'}};
  const {gate, port: amiPort} = await run.startAmi('a_inbound_answered');
  gate.holdAfter(isRingingFrame('1001'));
  const config = writeConfig(run.dir, {amiPort, crm: [hubspot]});
  const {base} = await run.startConnector('connector', config);

  const browser = await run.launchBrowser(chromium);
  const ana = await signIn(browser, 'ana', base, problems);
  gate.open();  // the replay starts once the connector reconnects through it
  const {card, ms} = await cardLatency(ana, 'ana', gate, '1001');
  check((await card.locator('.caller').textContent()) === CALLER, 'the card does not show the caller\'s number');

  // The lookup found nobody: "Unknown caller" and the offer to create.
  const create = card.locator('.create');
  await create.waitFor({state: 'visible', timeout: 10000});
  check(await card.getAttribute('data-lookup') === 'done', 'the create button showed before the lookup was done');
  check(await card.locator('.unknown').isVisible(), 'the card does not say "Unknown caller"');
  check((await create.textContent()) === 'Create contact in hs', `the button says "${await create.textContent()}"`);
  check(await card.locator('.crm-link').isHidden(), 'an unknown caller\'s card has a CRM link');
  check(crm.to(CONTACTS).length === 0, 'a contact was created before anyone clicked');
  await run.screenshot(ana, 'unknown-ringing.png');

  // First click: HubSpot refuses; the card says why and offers the button again.
  crm.refuseCreates(1, REFUSAL);
  await create.click();
  const error = card.locator('.create-error');
  await error.waitFor({state: 'visible', timeout: 10000});
  const why = await error.textContent();
  check(why.includes('HTTP 400') && why.includes(REFUSAL), `the refusal shows as "${why}"`);
  check(await create.isVisible() && await create.isEnabled(), 'after a refusal the button is gone or disabled');
  check(await card.getAttribute('data-contact') === 'no', 'a refused create shows a contact');
  await run.screenshot(ana, 'unknown-refused.png');

  // Second click: created; the card shows the contact's HubSpot record.
  await create.click();
  await card.locator('.crm-link:not([hidden])').waitFor({timeout: 10000});
  const creates = crm.to(CONTACTS);
  check(creates.length === 2 && creates.filter((r) => r.status === 201).length === 1,
        `creates: ${JSON.stringify(creates.map((r) => r.status))}, expected [400, 201]`);
  for (const r of creates) {
    // The number, nothing invented; Ana clicked, so she owns the contact.
    const sent = r.body.properties;
    check(Object.keys(sent).length === 2 && sent.phone === CALLER && sent.hubspot_owner_id === '75001',
          `create sent ${JSON.stringify(r.body)}`);
  }
  const contactId = crm.contacts[0].id;
  const href = await card.locator('.crm-link').getAttribute('href');
  check(href === `https://app.hubspot.com/contacts/${PORTAL}/record/0-1/${contactId}`, `CRM link ${href}`);
  check(await card.getAttribute('data-contact') === 'yes', 'the card does not hold the created contact');
  check(await create.isHidden() && await error.isHidden() && await card.locator('.unknown').isHidden(),
        'after the create the card still offers it, shows the refusal or says "Unknown caller"');
  await run.screenshot(ana, 'unknown-created.png');

  // The connector pushes the contact to the call's live pop-up; then the
  // panel reloads mid-call (the tab keeps its token): the hello's pop-up
  // holds the new contact, and does not offer to create it a second time.
  await waitForMessage(ana, (m) => m.type === 'screen_pop' && m.call?.call_id === CALL_ID && m.contact?.id === contactId,
                       'screen_pop with the created contact', 10000);
  await ana.reload();
  await ana.locator('#conn[data-state="live"]').waitFor({timeout: 10000});
  await card.waitFor({state: 'visible', timeout: 10000});
  check(await card.getAttribute('data-contact') === 'yes' && await create.isHidden(),
        'after a reload the card offers to create the contact again');
  check(await card.locator('.crm-link').getAttribute('href') === href, 'after a reload the card lost the CRM link');

  // The rest of the call: answered (held there, or a late release would play
  // answer and hang-up in one burst), ended, in today's list.
  gate.holdAfter(isAnsweredFrame('1001'));
  gate.release();
  await ana.locator('.card[data-state="answered"]', {hasText: CALLER}).waitFor({timeout: 15000});
  check(await card.locator('.crm-link').getAttribute('href') === href, 'the answered card lost the contact');
  gate.release();
  await card.waitFor({state: 'detached', timeout: 20000});
  const row = ana.locator('#today tbody tr', {hasText: CALLER});
  await row.first().waitFor({timeout: 10000});
  const rowText = await row.first().textContent();
  check(rowText.includes('Answered'), `today's list shows "${rowText}"`);
  await run.screenshot(ana, 'unknown-ended.png');

  await checkCallLog(base, crm, contactId);
  for (const r of crm.requests) check(r.auth === `Bearer ${CRM_TOKEN}`, `${r.path} was sent with "${r.auth}"`);
  // The one console error allowed: the 502 of the refused POST /v1/contacts.
  const refused = problems.filter((p) => /status of 502.*\/v1\/contacts\)$/.test(p));
  check(refused.length === 1, `${refused.length} refused creates in the console, expected 1`);
  const others = problems.filter((p) => !refused.includes(p));
  check(others.length === 0, 'page problems:\n' + others.join('\n'));

  fs.appendFileSync(path.join(run.opts.artifacts, 'panel-timings.jsonl'),
                    JSON.stringify({at: new Date().toISOString(), scenario: 'unknown_caller', ana_card_ms: ms}) + '\n');
  console.log(`PASS card after ringing frame: ana ${ms} ms; contact ${contactId} created and associated`);
}

// Once the outbox says the call's CRM job is delivered (nothing more will be
// sent), the CRM holds exactly one call activity for it, owned by ana's user
// and associated with the contact created from the card.
async function checkCallLog(base, crm, contactId) {
  await crm.waitFor((r) => r.path === CALLS, 'call log', 20000);
  const delivered = async () => {
    const res = await fetch(base + '/v1/deliveries?state=delivered&limit=100',
                            {headers: {Authorization: `Bearer ${TOKENS.integration}`}});
    check(res.ok, `GET /v1/deliveries answered ${res.status}`);
    return (await res.json()).deliveries.some((d) => d.call_id === CALL_ID && d.adapter === 'hs');
  };
  await waitUntil(delivered, `the crm:hs delivery of ${CALL_ID}`, 20000);
  const logs = crm.to(CALLS);
  check(logs.length === 1, `${logs.length} call activities logged, expected 1`);
  const {properties: p, associations: a} = logs[0].body;
  check(p.hs_call_body.includes(`cti_call_id: ${CALL_ID}`), `call body: ${p.hs_call_body}`);
  check(p.hs_call_direction === 'INBOUND' && p.hs_call_status === 'COMPLETED' && p.hs_call_from_number === CALLER,
        `call properties: ${JSON.stringify(p)}`);
  check(p.hubspot_owner_id === '75001', `owner ${p.hubspot_owner_id}, expected ana's HubSpot user 75001`);
  check(a.length === 1 && a[0].to.id === contactId && a[0].types[0].associationTypeId === 194,
        `the call is associated with ${JSON.stringify(a)}, expected contact ${contactId} (type 194)`);
}

main('panel_unknown_caller.test.mjs', test, TEST_TIMEOUT_MS);
