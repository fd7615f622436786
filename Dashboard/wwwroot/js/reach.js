// Shows how many subscribers the alert as written would reach (and what the texts would cost),
// asked of the server whenever the sites, kind, channels or wording change.
//   <div data-reach="?handler=Reach"><p data-reach-description></p></div> inside the create form
export function initReach(scope = document) {
  for (const panel of scope.querySelectorAll('[data-reach]')) {
    const form = panel.closest('form');
    const output = panel.querySelector('[data-reach-description]');
    if (!form || !output) continue;
    let timer;
    let latest = 0;
    const update = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const request = ++latest;
        const data = new FormData(form);
        const query = new URLSearchParams();
        for (const site of data.getAll('Input.Sites')) query.append('sites', site);
        for (const channel of data.getAll('Input.Channels')) query.append('channels', channel);
        query.set('kind', data.get('Input.Kind') ?? 'General');
        query.set('headline', data.get('Input.Headline') ?? '');
        query.set('smsText', data.get('Input.SmsText') ?? '');
        try {
          const response = await fetch(`${panel.dataset.reach}&${query}`, { headers: { Accept: 'application/json' } });
          if (response.ok && request === latest) {
            const description = (await response.json()).description;
            output.textContent = description;
            panel.hidden = description === '';
          }
        } catch {
          // Offline for a moment: nothing to show, nothing lost.
        }
      }, 200);
    };
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
  }
}
