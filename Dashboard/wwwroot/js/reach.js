// Shows how many subscribers the alert as written would reach (and what the texts would cost),
// asked of the server whenever the sites, kind, channels or wording change.
//   <div data-reach="?handler=Reach" hidden><p data-reach-description></p></div> inside the create form
import { liveAnswer } from '/js/live-answer.js';

export function initReach(scope = document) {
  for (const panel of scope.querySelectorAll('[data-reach]')) {
    const form = panel.closest('form');
    const output = panel.querySelector('[data-reach-description]');
    if (!form || !output) continue;
    const update = liveAnswer(() => {
      const data = new FormData(form);
      const query = new URLSearchParams();
      for (const site of data.getAll('Input.Sites')) query.append('sites', site);
      for (const channel of data.getAll('Input.Channels')) query.append('channels', channel);
      query.set('kind', data.get('Input.Kind') ?? 'General');
      query.set('headline', data.get('Input.Headline') ?? '');
      query.set('smsText', data.get('Input.SmsText') ?? '');
      return `${panel.dataset.reach}&${query}`;
    }, answer => {
      output.textContent = answer.description;
      panel.hidden = answer.description === '';
    }, 200);
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
  }
}
