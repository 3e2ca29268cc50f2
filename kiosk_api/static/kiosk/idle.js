// Privacy on a shared kiosk: after `idleSeconds` without a touch or a key the kiosk asks "Ông/bà còn sử dụng
// không?" and, after `confirmSeconds` more, clears everything (onReset). Armed only once someone used the screen.

export function createIdle({ idleSeconds, confirmSeconds, dialog, secondsOut, continueButton, onReset }) {
  let idleTimer = null;
  let tickTimer = null;
  let remaining = 0;

  function clearTimers() {
    clearTimeout(idleTimer);
    clearInterval(tickTimer);
    idleTimer = tickTimer = null;
  }

  function activity() {
    if (dialog.open) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(ask, idleSeconds * 1000);
  }

  function ask() {
    remaining = confirmSeconds;
    secondsOut.textContent = String(Math.ceil(remaining));
    dialog.showModal();
    continueButton.focus();
    document.body.dataset.idle = "asking";
    tickTimer = setInterval(() => {
      remaining -= 1;
      secondsOut.textContent = String(Math.max(0, Math.ceil(remaining)));
      if (remaining <= 0) finish();
    }, 1000);
  }

  function close() {
    if (dialog.open) dialog.close();
    delete document.body.dataset.idle;
  }

  function finish() {
    clearTimers();
    close();
    onReset();
  }

  continueButton.addEventListener("click", () => {
    clearTimers();
    close();
    activity();
  });
  // Escape closes a modal dialog natively: treat it as "continue".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    continueButton.click();
  });
  for (const type of ["pointerdown", "keydown", "input", "wheel", "touchstart"]) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  }

  return {
    /** Stop waiting (after a reset the kiosk is pristine: nothing to protect until the next touch). */
    disarm: clearTimers,
  };
}
