// Web chat page of the Bot API emulator: talks to the user-side HTTP API under /_emu/.
// Plain browser JavaScript, no build step. Message HTML comes pre-escaped from the server
// (Record.as_dict()["html"]); every other string is inserted with textContent.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const els = {
    persona: $("persona"),
    personaDesc: $("persona-desc"),
    botName: $("bot-name"),
    botAvatar: $("bot-avatar"),
    botStatus: $("bot-status"),
    chat: $("chat"),
    keyboard: $("keyboard"),
    startBar: $("start-bar"),
    startButton: $("start-button"),
    blockedBar: $("blocked-bar"),
    unblockButton: $("unblock-button"),
    blockToggle: $("block-toggle"),
    composer: $("composer"),
    input: $("input"),
    menuButton: $("menu-button"),
    attachButton: $("attach-button"),
    attachMenu: $("attach-menu"),
    fileInput: $("file-input"),
    commands: $("commands"),
    toast: $("toast"),
  };

  // Inline SVG instead of emoji: renders even where no emoji font is installed.
  const DOC_ICON =
    '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">' +
    '<path d="M6 2h8l5 5v15H6z M14 2v5h5" fill="none" stroke="currentColor" ' +
    'stroke-width="2" stroke-linejoin="round"/></svg>';

  const ACTION_LABELS = {
    typing: "đang nhập…",
    upload_document: "đang gửi tệp…",
    upload_photo: "đang gửi ảnh…",
  };

  const state = {
    personas: [],
    userId: null,
    seq: 0,
    generation: 0,
    controller: null,
    started: false,
    blocked: false,
    commands: [],
    uploadKind: "document",
    actionTimer: null,
    stickToBottom: true,
  };

  // ---------------------------------------------------------------- HTTP helpers

  async function api(path, options = {}) {
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.error || `HTTP ${response.status}`);
    }
    return data;
  }

  function postJson(path, body) {
    return api(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  const chatPath = (suffix) => `/_emu/chats/${state.userId}/${suffix}`;

  // ---------------------------------------------------------------- personas

  async function loadPersonas() {
    let personas = await api("/_emu/personas");
    if (!personas.length) {
      const users = await api("/_emu/users");
      personas = users.map((u) => ({ user_id: u.id, name: u.first_name, description: "" }));
    }
    if (!personas.length) {
      personas = [{ user_id: 10001, name: "Khách", description: "Người dùng thử" }];
    }
    state.personas = personas;
    els.persona.textContent = "";
    for (const p of personas) {
      const option = document.createElement("option");
      option.value = String(p.user_id);
      option.textContent = p.name;
      els.persona.appendChild(option);
    }
    const other = document.createElement("option");
    other.value = "other";
    other.textContent = "Người dùng khác…";
    els.persona.appendChild(other);

    const saved = localStorage.getItem("emu-user-id");
    const known = personas.some((p) => String(p.user_id) === saved);
    selectPersona(known ? Number(saved) : personas[0].user_id);
  }

  async function askForOtherUser() {
    const id = Number(prompt("Mã người dùng (số):", "20001"));
    if (!Number.isInteger(id) || id <= 0) {
      els.persona.value = String(state.userId);
      return;
    }
    const name = prompt("Tên hiển thị:", "Người dùng " + id) || "Người dùng " + id;
    await postJson("/_emu/users", { user_id: id, first_name: name });
    state.personas.push({ user_id: id, name, description: "" });
    const option = document.createElement("option");
    option.value = String(id);
    option.textContent = name;
    els.persona.insertBefore(option, els.persona.lastChild);
    selectPersona(id);
  }

  function selectPersona(userId) {
    state.userId = userId;
    els.persona.value = String(userId);
    localStorage.setItem("emu-user-id", String(userId));
    const persona = state.personas.find((p) => p.user_id === userId);
    els.personaDesc.textContent = (persona && persona.description) || "";
    resetChat();
    loadCommands();
    startPolling();
  }

  // ---------------------------------------------------------------- rendering

  function resetChat() {
    state.seq = 0;
    els.chat.textContent = "";
    els.keyboard.hidden = true;
    els.keyboard.textContent = "";
    hidePopups();
  }

  function formatSize(bytes) {
    if (bytes == null) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function formatTime(unix) {
    const d = new Date(unix * 1000);
    return d.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  }

  function renderRecord(record) {
    const wrapper = document.createElement("div");
    wrapper.className = `msg ${record.direction}`;
    wrapper.dataset.mid = String(record.message_id);

    const bubble = document.createElement("div");
    bubble.className = "bubble";

    if (record.photo) {
      const img = document.createElement("img");
      img.className = "photo";
      img.src = record.photo.url;
      img.alt = "ảnh";
      img.addEventListener("load", () => {
        if (state.stickToBottom) scrollToBottom();
      });
      bubble.appendChild(img);
    }
    if (record.document) {
      const link = document.createElement("a");
      link.className = "doc";
      link.href = record.document.url;
      link.download = record.document.file_name || "file";
      link.target = "_blank";
      const icon = document.createElement("span");
      icon.className = "doc-icon";
      icon.innerHTML = DOC_ICON; // static markup, no data
      const info = document.createElement("span");
      const name = document.createElement("div");
      name.className = "doc-name";
      name.textContent = record.document.file_name || "tệp";
      const size = document.createElement("div");
      size.className = "doc-size";
      size.textContent = formatSize(record.document.file_size);
      info.append(name, size);
      link.append(icon, info);
      bubble.appendChild(link);
    }
    if (record.html) {
      const text = document.createElement("div");
      text.className = "text";
      text.innerHTML = record.html; // escaped and whitelisted server-side
      for (const spoiler of text.querySelectorAll(".spoiler")) {
        spoiler.addEventListener("click", () => spoiler.classList.add("revealed"));
      }
      bubble.appendChild(text);
    }
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = (record.edited ? "đã sửa · " : "") + formatTime(record.date);
    bubble.appendChild(meta);
    wrapper.appendChild(bubble);

    if (record.buttons && record.buttons.length) {
      wrapper.appendChild(renderInlineKeyboard(record));
    }
    return wrapper;
  }

  function renderInlineKeyboard(record) {
    const kb = document.createElement("div");
    kb.className = "inline-kb";
    for (const row of record.buttons) {
      const rowEl = document.createElement("div");
      rowEl.className = "row";
      for (const button of row) {
        let el;
        if (button.url) {
          el = document.createElement("a");
          el.href = button.url;
          el.target = "_blank";
          el.rel = "noopener";
          el.textContent = button.text + " ↗";
        } else {
          el = document.createElement("button");
          el.type = "button";
          el.textContent = button.text;
          if (button.callback_data != null) {
            el.addEventListener("click", () => pressButton(record.message_id, button, el));
          } else {
            el.disabled = true;
          }
        }
        rowEl.appendChild(el);
      }
      kb.appendChild(rowEl);
    }
    return kb;
  }

  function upsertRecord(record) {
    const existing = els.chat.querySelector(`.msg[data-mid="${record.message_id}"]`);
    if (record.deleted) {
      if (existing) existing.remove();
      return;
    }
    const hint = els.chat.querySelector(".empty-hint");
    if (hint) hint.remove();
    const node = renderRecord(record);
    if (existing) {
      existing.replaceWith(node);
      return;
    }
    // keep message_id order even if records arrive out of order
    const later = Array.from(els.chat.querySelectorAll(".msg")).find(
      (m) => Number(m.dataset.mid) > record.message_id,
    );
    els.chat.insertBefore(node, later || null);
  }

  function renderReplyKeyboard(rows, resize) {
    els.keyboard.textContent = "";
    // like Telegram: as tall as the system keyboard unless the bot asked resize_keyboard
    els.keyboard.classList.toggle("full-height", !resize);
    if (!rows || !rows.length || state.blocked) {
      els.keyboard.hidden = true;
      return;
    }
    for (const row of rows) {
      const rowEl = document.createElement("div");
      rowEl.className = "row";
      for (const text of row) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        b.addEventListener("click", () => sendText(text));
        rowEl.appendChild(b);
      }
      els.keyboard.appendChild(rowEl);
    }
    els.keyboard.hidden = false;
  }

  function renderBars() {
    const fresh = !state.started;
    els.startBar.hidden = !fresh || state.blocked;
    els.blockedBar.hidden = !state.blocked;
    els.composer.hidden = fresh || state.blocked;
    if (fresh && !els.chat.querySelector(".msg") && !els.chat.querySelector(".empty-hint")) {
      const hint = document.createElement("div");
      hint.className = "empty-hint";
      hint.textContent = "Nhấn BẮT ĐẦU để trò chuyện với bot.";
      els.chat.appendChild(hint);
    }
  }

  function setAction(action) {
    clearTimeout(state.actionTimer);
    els.botStatus.textContent = (action && (ACTION_LABELS[action] || "đang xử lý…")) || "bot";
    els.botStatus.classList.toggle("active", Boolean(action));
    if (action) state.actionTimer = setTimeout(() => setAction(null), 5000);
  }

  function showToast(text) {
    els.toast.textContent = text;
    els.toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(() => (els.toast.hidden = true), 2500);
  }

  function scrollToBottom() {
    els.chat.scrollTop = els.chat.scrollHeight;
  }

  // Follow new messages only while the reader is at the bottom (like Telegram).
  els.chat.addEventListener("scroll", () => {
    state.stickToBottom =
      els.chat.scrollHeight - els.chat.scrollTop - els.chat.clientHeight < 120;
  });

  function applyTranscript(data, initial) {
    const nearBottom = state.stickToBottom || initial;
    for (const record of data.records) upsertRecord(record);
    state.seq = Math.max(state.seq, data.seq);
    state.started = data.started;
    state.blocked = data.blocked;
    renderReplyKeyboard(data.keyboard, data.keyboard_resize);
    renderBars();
    setAction(data.action);
    if (!initial) {
      for (const alert of data.alerts || []) {
        if (alert.show_alert) window.alert(alert.text);
        else showToast(alert.text);
      }
    }
    if (nearBottom) scrollToBottom();
  }

  // ---------------------------------------------------------------- polling

  async function startPolling() {
    if (state.controller) state.controller.abort();
    const generation = ++state.generation;
    const controller = new AbortController();
    state.controller = controller;
    let initial = true;
    while (generation === state.generation) {
      try {
        const timeout = initial ? 0 : 25;
        const data = await api(chatPath(`transcript?since=${state.seq}&timeout=${timeout}`), {
          signal: controller.signal,
        });
        if (generation !== state.generation) return;
        applyTranscript(data, initial);
        initial = false;
      } catch (err) {
        if (controller.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
  }

  // ---------------------------------------------------------------- actions

  async function sendText(text) {
    if (!text.trim()) return;
    hidePopups();
    try {
      const record = await postJson(chatPath("send"), { text });
      upsertRecord(record);
      state.started = true;
      renderBars();
      scrollToBottom();
    } catch (err) {
      showToast("Lỗi: " + err.message);
    }
  }

  async function pressButton(messageId, button, el) {
    el.disabled = true;
    try {
      await postJson(chatPath("press"), {
        message_id: messageId,
        callback_data: button.callback_data,
      });
    } catch (err) {
      showToast("Lỗi: " + err.message);
    } finally {
      setTimeout(() => (el.disabled = false), 400);
    }
  }

  async function uploadFile(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    const caption = els.input.value.trim();
    if (caption) form.append("caption", caption);
    if (state.uploadKind === "photo") form.append("as_photo", "1");
    try {
      const record = await api(chatPath("upload"), { method: "POST", body: form });
      els.input.value = "";
      upsertRecord(record);
      scrollToBottom();
    } catch (err) {
      showToast("Lỗi tải lên: " + err.message);
    }
  }

  async function loadCommands() {
    try {
      state.commands = await api(`/_emu/commands?user_id=${state.userId}`);
    } catch (err) {
      state.commands = [];
    }
    els.menuButton.hidden = !state.commands.length;
  }

  function hidePopups() {
    els.commands.hidden = true;
    els.attachMenu.hidden = true;
  }

  async function toggleCommands() {
    if (!els.commands.hidden) {
      hidePopups();
      return;
    }
    await loadCommands();
    els.commands.textContent = "";
    for (const c of state.commands) {
      const b = document.createElement("button");
      b.type = "button";
      const cmd = document.createElement("span");
      cmd.className = "cmd";
      cmd.textContent = "/" + c.command;
      const desc = document.createElement("span");
      desc.className = "desc";
      desc.textContent = c.description;
      b.append(cmd, desc);
      b.addEventListener("click", () => sendText("/" + c.command));
      els.commands.appendChild(b);
    }
    els.attachMenu.hidden = true;
    els.commands.hidden = !state.commands.length;
  }

  // ---------------------------------------------------------------- wiring

  els.persona.addEventListener("change", () => {
    if (els.persona.value === "other") askForOtherUser();
    else selectPersona(Number(els.persona.value));
  });
  els.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = els.input.value;
    els.input.value = "";
    sendText(text);
  });
  els.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      els.composer.requestSubmit();
    }
  });
  els.startButton.addEventListener("click", () => sendText("/start"));
  els.unblockButton.addEventListener("click", async () => {
    await postJson(chatPath("unblock"), {});
    state.blocked = false;
    renderBars();
  });
  els.blockToggle.addEventListener("click", async () => {
    const action = state.blocked ? "unblock" : "block";
    if (action === "block" && !confirm("Chặn bot này?")) return;
    await postJson(chatPath(action), {});
    state.blocked = !state.blocked;
    renderBars();
    renderReplyKeyboard(null);
  });
  els.menuButton.addEventListener("click", toggleCommands);
  els.attachButton.addEventListener("click", () => {
    els.commands.hidden = true;
    els.attachMenu.hidden = !els.attachMenu.hidden;
  });
  for (const item of els.attachMenu.querySelectorAll("button")) {
    item.addEventListener("click", () => {
      state.uploadKind = item.dataset.kind;
      els.fileInput.accept = state.uploadKind === "photo" ? "image/*" : "";
      hidePopups();
      els.fileInput.click();
    });
  }
  els.fileInput.addEventListener("change", () => {
    const file = els.fileInput.files[0];
    els.fileInput.value = "";
    if (file) uploadFile(file);
  });
  els.chat.addEventListener("click", hidePopups);

  async function init() {
    try {
      const bot = await api("/_emu/bot");
      els.botName.textContent = bot.first_name + (bot.username ? ` (@${bot.username})` : "");
      els.botAvatar.textContent = (bot.first_name || "B").slice(0, 1).toUpperCase();
      document.title = bot.first_name + " — trò chuyện thử";
    } catch (err) {
      els.botName.textContent = "Bot";
    }
    await loadPersonas();
  }

  init();
})();
