import { Section } from '../components/ui.js';

/**
 * Frame of the liquidations page: the engine serves no liquidation data yet (issue 15). The sections
 * below are where its routes will be read; nothing here is invented.
 */
export function LiquidationsPage() {
  return (
    <div data-testid="page-liquidations">
      <h1>Liquidations and auctions</h1>
      <div className="banner info">
        Arrives with liquidation (issue 15): the engine has no liquidation routes yet.
      </div>
      <Section title="Open Dutch auctions">
        <p className="muted">Account, portfolio size, start and current price, time left, bids.</p>
      </Section>
      <Section title="Settled liquidations">
        <p className="muted">
          Seizures per chain, proceeds, shortfall covered by the insurance fund, bad debt.
        </p>
      </Section>
      <Section title="Insurance fund">
        <p className="muted">Balance and its history.</p>
      </Section>
    </div>
  );
}
