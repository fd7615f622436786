// The Dashboard's only script entry point (a module, so the Content-Security-Policy needs no inline script).
import { initAll } from '/lib/nhsuk-frontend/nhsuk-frontend.min.js';
import { initDeliveryProgress } from '/js/delivery-progress.js';
import { initSmsCounts } from '/js/sms-count.js';
import { initReach } from '/js/reach.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
initSmsCounts();
initDeliveryProgress();
initReach();
