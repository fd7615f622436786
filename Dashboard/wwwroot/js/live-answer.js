// Asks the server again shortly after typing stops, and shows only the newest answer (an older
// request that comes back late is ignored). `ask` returns the URL; `show` gets the parsed JSON.
export function liveAnswer(ask, show, delay = 150) {
  let timer;
  let latest = 0;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const request = ++latest;
      try {
        const response = await fetch(ask(), { headers: { Accept: 'application/json' } });
        if (response.ok && request === latest) {
          show(await response.json());
        }
      } catch {
        // Offline for a moment: the form is checked again when it is sent.
      }
    }, delay);
  };
}
