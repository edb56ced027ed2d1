import { Section } from '../components/ui.js';

/** Frame of the stress / contagion page: the runs arrive with issue 16. */
export function StressPage() {
  return (
    <div data-testid="page-stress">
      <h1>Stress and contagion runs</h1>
      <div className="banner info">
        Arrives with stress runs (issue 16): the engine has no stress-run routes yet.
      </div>
      <Section title="Runs">
        <p className="muted">Scenario, started, status, accounts failing, book shortfall.</p>
      </Section>
      <Section title="Contagion rounds">
        <p className="muted">
          Per round: liquidations triggered, price impact, accounts pushed below maintenance.
        </p>
      </Section>
    </div>
  );
}
