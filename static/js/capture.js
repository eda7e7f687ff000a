/* Quick capture: choosing people, drafts that belong to the people they name, leaving a saved form, keeping a
   note on the phone when the server cannot be reached, and the type-ahead without signal. */
(function () {
  "use strict";

  var R = Rapport;

  // ---- Chosen people: chips from the page's <template>, as the server renders them --------------
  /* A chosen person's chip: {name: "contact_ids" or "new_contacts", value, label}. */
  function chosenChip(item) {
    var chip = R.fromTemplate("chip-template");
    var box = chip.querySelector("input");
    box.name = item.name;
    box.value = item.value;
    chip.querySelector("span").textContent = item.label;
    chip.classList.toggle("new", item.name === "new_contacts");
    return chip;
  }

  /* The people chosen on a capture form, for the outbox and the draft. */
  function chosenOf(form) {
    return Array.prototype.map.call(form.querySelectorAll("#chosen input:checked"), function (box) {
      return { name: box.name, value: box.value, label: box.closest("label").textContent.trim() };
    });
  }

  function clearSuggestions() {
    var list = document.getElementById("contact-suggestions");
    if (list) { list.textContent = ""; }
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[type="checkbox"]')) { return; }
    var label = box.closest("label");
    var chosen = document.getElementById("chosen");
    if (!label || !chosen) { return; }
    if (box.checked && label.closest("#contact-suggestions")) {
      var already = chosen.querySelector('input[name="' + box.name + '"][value="' + CSS.escape(box.value) + '"]');
      if (!already) {
        var name = box.name === "new_contacts" ? box.value + " (new)"
          : (label.querySelector(".person-name") || label).textContent.trim();
        chosen.appendChild(chosenChip({ name: box.name, value: box.value, label: name }));
      }
      clearSuggestions();
      var who = document.getElementById("who");
      if (who) { who.value = ""; }
      var note = document.getElementById("note");
      if (note) { note.focus(); }
    } else if (!box.checked && label.closest("#chosen")) {
      label.remove();
    } else {
      return;  // a chip under the note: its state is in the form, nothing to redraw
    }
    saveDraft(box.form);
    refreshFound();
  });

  // ---- The note's chips (capture/_found.html): read again when the people change or a chip's edit is done ------
  /* Ask the server for the chips again (the #found element listens for captureChanged). */
  function refreshFound() {
    // A draft restored as the page loads: after htmx (loaded first) has set up the chips' element.
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", refreshFound); return; }
    document.body.dispatchEvent(new CustomEvent("captureChanged"));
  }

  /* Forget the chips shown: they belonged to another note (a draft taken up, a note kept for later). */
  function clearFound(form) {
    var found = form.querySelector("#found");
    if (!found) { return; }
    Array.prototype.forEach.call(found.querySelectorAll(".found-chips, .found-hint"), function (el) { el.remove(); });
    var digest = found.querySelector('[name="found_for"]');
    if (digest) { digest.value = ""; }
  }

  document.addEventListener("click", function (event) {
    var done = event.target.closest && event.target.closest("[data-found-done]");
    if (!done) { return; }
    var details = done.closest("details");
    if (details) { details.open = false; }
    refreshFound();
  });

  // Enter (the keyboard's search key) in the type-ahead picks the first suggestion; it never saves.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("#who")) { return; }
    event.preventDefault();
    var first = document.querySelector("#contact-suggestions input[type=checkbox]");
    if (first) {
      first.checked = true;
      first.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // ---- Drafts: what is typed survives a closed tab or a lost connection ---------------------
  /* Drafts of the capture form, most recent first, each {uuid, fields, chosen, error?}. A draft belongs to
     the people it names: a capture opened for someone else never takes it over silently, it offers it. */
  var TEXT_FIELDS = ["note", "promise_text", "gift_idea"];

  /* A draft with no text is no draft (a person chosen and a few letters deleted are not worth keeping). */
  function hasText(data) {
    return !!data && !!data.fields && TEXT_FIELDS.some(function (name) { return (data.fields[name] || "").trim(); });
  }

  function readDrafts() {
    var list;
    try {
      list = JSON.parse(localStorage.getItem(R.keys.drafts) || "[]");
      // A draft kept by an earlier version of this script, under its single key.
      var old = JSON.parse(localStorage.getItem("rapport:draft:capture") || "null");
      if (old) {
        localStorage.removeItem("rapport:draft:capture");
        old.uuid = (old.fields && old.fields.uuid) || R.newUUID();
        list = [old].concat(list);
        writeDrafts(list);
      }
    } catch (e) { return []; }
    return Array.isArray(list) ? list.filter(hasText) : [];
  }

  function writeDrafts(list) {
    try {
      if (list.length) { localStorage.setItem(R.keys.drafts, JSON.stringify(list)); } else { localStorage.removeItem(R.keys.drafts); }
    } catch (e) { /* storage full or disabled: nothing more we can do here */ }
  }

  function forgetDraft(uuid) {
    writeDrafts(readDrafts().filter(function (d) { return d.uuid !== uuid; }));
  }

  function formUUID(form) {
    var box = form.querySelector('[name="uuid"]');
    return box ? box.value : "";
  }

  /* What the capture form holds now, as a draft. */
  function draftOf(form) {
    var data = { uuid: formUUID(form), fields: {}, chosen: chosenOf(form) };
    Array.prototype.forEach.call(form.elements, function (el) {
      // The chips are not kept: they are read again from the note when the draft is taken up.
      if (!el.name || el.name === "csrf_token" || el.name === "q" || el.type === "checkbox" ||
          el.name === "found_for" || el.name.indexOf("chip-") === 0) { return; }
      if (el.type === "radio") {
        if (el.checked) { data.fields[el.name] = el.value; }
      } else {
        data.fields[el.name] = el.value;
      }
    });
    return data;
  }

  function saveDraft(form) {
    if (!form || !form.hasAttribute || !form.hasAttribute("data-draft")) { return; }
    var data = draftOf(form);
    var others = readDrafts().filter(function (d) { return d.uuid !== data.uuid; });
    writeDrafts(hasText(data) ? [data].concat(others) : others);
    var status = form.querySelector("[data-draft-status]");
    if (status) { status.textContent = hasText(data) ? "Draft kept on this phone until it is saved." : ""; }
  }

  /* Put a draft into the form: its fields, its id and its people (and only its people). */
  function fillForm(form, data) {
    Object.keys(data.fields || {}).forEach(function (name) {
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + CSS.escape(name) + '"]'), function (el) {
        if (el.type === "radio") { el.checked = el.value === data.fields[name]; } else { el.value = data.fields[name]; }
      });
    });
    form.querySelector('[name="uuid"]').value = data.uuid;
    var chosen = form.querySelector("#chosen");
    chosen.textContent = "";
    (data.chosen || []).forEach(function (item) { chosen.appendChild(chosenChip(item)); });
    clearFound(form);
    Array.prototype.forEach.call(form.querySelectorAll("details.more"), function (details) {
      var filled = Array.prototype.some.call(details.querySelectorAll("input[type=text], textarea"), function (el) { return el.value; });
      if (filled) { details.open = true; }
    });
    R.updateCounters(form);
    refreshFound();
  }

  function whoOf(data) {
    var names = (data.chosen || []).map(function (c) { return c.label; });
    return names.length ? " for " + names.join(", ") : "";
  }

  function bannerButton(text, action, uuid) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = text;
    button.setAttribute("data-draft-action", action);
    if (uuid) { button.setAttribute("data-draft-uuid", uuid); }
    return button;
  }

  /* The message at the top of the capture form: the draft it holds, and the other drafts waiting. */
  function showDrafts(form) {
    var banner = form.querySelector("[data-draft-banner]");
    if (!banner) { return; }
    banner.textContent = "";
    var uuid = formUUID(form);
    readDrafts().forEach(function (data) {
      var line = document.createElement("div");
      line.className = "draft-line";
      var text = document.createElement("p");
      var buttons = document.createElement("div");
      buttons.className = "button-row";
      if (data.uuid === uuid) {
        if (form.getAttribute("data-restored") !== uuid) { return; }  // typed here, not restored
        text.textContent = data.error
          ? "This note was kept on the phone but the server refused it: " + data.error
          : "Your unsaved note" + whoOf(data) + " was restored.";
        buttons.appendChild(bannerButton("Discard", "discard-current"));
      } else {
        text.textContent = "You have an unsaved note" + whoOf(data) + ".";
        buttons.appendChild(bannerButton("Continue it", "continue", data.uuid));
        buttons.appendChild(bannerButton("Discard it", "discard", data.uuid));
      }
      line.appendChild(text);
      line.appendChild(buttons);
      banner.appendChild(line);
    });
    banner.hidden = !banner.childNodes.length;
  }

  /* Open the capture form: take up the right draft, offer the others. Text typed before this script ran
     is never overwritten, and a capture opened for someone (a brief's "+ Log") only takes a draft that is
     about that person. */
  function restoreDrafts(form) {
    var drafts = readDrafts();
    var page = chosenOf(form).map(function (c) { return c.name + ":" + c.value; });
    var typed = hasText(draftOf(form));
    var current = typed ? null : drafts.filter(function (data) {
      var mine = (data.chosen || []).map(function (c) { return c.name + ":" + c.value; });
      return page.every(function (key) { return mine.indexOf(key) !== -1; });
    })[0];
    if (current) {
      fillForm(form, current);
      form.setAttribute("data-restored", current.uuid);
      var status = form.querySelector("[data-draft-status]");
      if (status) { status.textContent = "Draft kept on this phone until it is saved."; }
      // Where the eye starts, not under the Save button.
      if (current.error) { R.flash("This note from the phone was not saved: " + current.error + " Fix it and Save again.", "error"); }
    } else if (!typed) {
      // A new capture gets a new id made on this phone: the page may be a kept copy shown offline.
      form.querySelector('[name="uuid"]').value = R.newUUID();
    }
    showDrafts(form);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-draft-action]");
    var form = button && button.closest("form[data-draft]");
    if (!form) { return; }
    var action = button.getAttribute("data-draft-action");
    if (action === "discard-current") {
      forgetDraft(formUUID(form));
      form.removeAttribute("data-restored");
      // The form as this address serves it: empty, with only the person it was opened for.
      location.replace(location.href);
      return;
    }
    var uuid = button.getAttribute("data-draft-uuid");
    if (action === "discard") {
      forgetDraft(uuid);
    } else if (action === "continue") {
      var wanted = readDrafts().filter(function (d) { return d.uuid === uuid; })[0];
      if (wanted) {
        saveDraft(form);  // what was typed here waits in its turn (only if it has text)
        fillForm(form, wanted);
        form.setAttribute("data-restored", wanted.uuid);
        var note = form.querySelector("#note");
        if (note) { note.focus({ preventScroll: true }); }
      }
    }
    showDrafts(form);
  });

  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.name !== "q") { saveDraft(event.target.form); }
  });

  // The time of a capture is the moment it was written, not the moment it reaches the server.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-draft")) { return; }
    var when = form.querySelector('[name="happened_at"]');
    if (when && !when.value) {
      var now = new Date();
      now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
      when.value = now.toISOString().slice(0, 16);
    }
    saveDraft(form);
  }, true);

  // A capture form swapped in (a 422): the drafts waiting beside it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.elt;
    if (target && target.matches && target.matches("form[data-draft]")) { showDrafts(target); }
  });

  /* The server stored the capture: forget its draft, and leave the form for the brief, replacing it in the
     history, so that Back never shows a form that could store the same note again. */
  document.body.addEventListener("touchSaved", function (event) {
    var detail = event.detail || {};
    forgetDraft(detail.uuid);
    forgetDraft(detail.sent);
    var form = document.querySelector('form[data-draft="capture"]');
    if (form) { form.setAttribute("data-saved", ""); }
    if (detail.url) { location.replace(detail.url); }
  });

  // A saved capture form shown again from the back/forward cache starts afresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.querySelector("form[data-draft][data-saved]")) { location.reload(); }
  });

  // ---- Without signal: keep the note on this phone --------------------------------------------
  /* Keep a capture in the outbox: the server could not be reached. */
  function queueCapture(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "q") { fields.push([name, String(value)]); }
    });
    var chosen = chosenOf(form);
    var who = form.querySelector("fieldset.who");
    var old = form.querySelector("[data-offline-error]");
    if (old) { old.remove(); }
    if (!chosen.length) {
      var error = document.createElement("p");
      error.className = "error";
      error.setAttribute("data-offline-error", "");
      error.textContent = "Choose who this was with, or type a new name.";
      who.appendChild(error);
      return;
    }
    var uuid = formUUID(form);
    RapportOutbox.add({ uuid: uuid, user: R.currentUser(), fields: fields, chosen: chosen }).then(function () {
      forgetDraft(uuid);
      form.removeAttribute("data-restored");
      form.reset();
      form.querySelector('[name="uuid"]').value = R.newUUID();
      form.querySelector("#chosen").textContent = "";
      clearFound(form);
      Array.prototype.forEach.call(form.querySelectorAll("details"), function (d) { d.open = false; });
      var status = form.querySelector("[data-draft-status]");
      if (status) { status.textContent = ""; }
      showDrafts(form);
      R.updateCounters(form);
      // One line, updated for each note, so that five notes in a dead zone do not push the form down.
      R.flash("Saved on this phone, will sync (with " + chosen.map(function (c) { return c.label; }).join(", ") + ").",
        "success", "outbox-kept");
      window.scrollTo(0, 0);
      R.requestBackgroundSync();
      // Online but the answer was lost (a flaky network): try again now; the server knows the UUID.
      return navigator.onLine ? R.sync() : R.refreshBar();
    }, function () {
      R.flash("This phone could not keep the note: it stays in the form as a draft. Try again when you have signal.", "error");
    });
  }

  // ---- People seen on this phone: the type-ahead without signal -------------------------------
  function fold(text) { return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  function recentPeople() {
    try { return JSON.parse(localStorage.getItem(R.keys.people) || "[]"); } catch (e) { return []; }
  }

  /* On a brief (read online), remember the person for the type-ahead without signal. */
  function rememberPerson() {
    var brief = document.querySelector(".brief[data-contact-id]");
    if (!brief || document.body.hasAttribute("data-offline-as-of")) { return; }
    var id = brief.getAttribute("data-contact-id");
    var people = recentPeople().filter(function (p) { return p.id !== id; });
    people.unshift({ id: id, name: brief.getAttribute("data-contact-name") });
    try { localStorage.setItem(R.keys.people, JSON.stringify(people.slice(0, 50))); } catch (e) { /* full */ }
  }

  /* A suggestion row from the page's <template>, as the server renders them. */
  function suggestion(name, value, text, isNew) {
    var row = R.fromTemplate("suggestion-template");
    var box = row.querySelector("input");
    box.name = name;
    box.value = value;
    row.classList.toggle("new", isNew);
    row.querySelector(".avatar").textContent = isNew ? "+"
      : text.split(/\s+/).filter(Boolean).map(function (w) { return w[0]; }).join("").slice(0, 2).toUpperCase();
    row.querySelector(".person-name").textContent = isNew ? "Add “" + text + "” as a new person" : text;
    return row;
  }

  function localSuggestions(typed) {
    var list = document.getElementById("contact-suggestions");
    if (!list) { return; }
    typed = (typed || "").trim().replace(/\s+/g, " ");
    list.textContent = "";
    if (!typed) { return; }
    var wanted = fold(typed);
    var matches = recentPeople().filter(function (p) {
      return fold(p.name).split(/\s+/).some(function (word) { return word.indexOf(wanted) === 0; }) || fold(p.name).indexOf(wanted) === 0;
    }).slice(0, 8);
    var note = document.createElement("p");
    note.className = "muted small";
    note.textContent = "Offline: people you opened on this phone.";
    list.appendChild(note);
    matches.forEach(function (p) { list.appendChild(suggestion("contact_ids", p.id, p.name, false)); });
    if (!matches.some(function (p) { return fold(p.name) === wanted; })) {
      list.appendChild(suggestion("new_contacts", typed, typed, true));
    }
  }

  /* "/capture?contact=ID" from a kept brief: choose that person, even offline. */
  function preselectFromAddress() {
    var id = new URLSearchParams(location.search).get("contact");
    var chosen = document.getElementById("chosen");
    if (!id || !chosen || chosen.querySelector('input[name="contact_ids"][value="' + CSS.escape(id) + '"]')) { return; }
    var person = recentPeople().filter(function (p) { return p.id === id; })[0];
    if (person) { chosen.appendChild(chosenChip({ name: "contact_ids", value: person.id, label: person.name })); }
  }

  R.drafts = { read: readDrafts, write: writeDrafts };
  R.queueCapture = queueCapture;
  R.localSuggestions = localSuggestions;

  var form = document.querySelector('form[data-draft="capture"]');
  if (form) {
    preselectFromAddress();
    restoreDrafts(form);
  }
  rememberPerson();
})();
