/*
 * Code editor for the Wagtail editor: turns `<div data-controller="code-editor">`
 * (rendered by cms.code_editor.CodeEditor) into an Ace editor.
 *
 * - Registered as a Stimulus controller on Wagtail's application (window.wagtail.app),
 *   so it connects to every code field whenever it enters the page: fields in the HTML,
 *   StreamField blocks rendered later in the browser, new InlinePanel forms.
 * - The textarea stays the submitted value: every edit is written back to it (and an
 *   `input` event tells Wagtail's unsaved-changes check), and a value set on the
 *   textarea by script (Wagtail's block state, a duplicated block) is shown in Ace.
 *   Without JavaScript the textarea is a monospace textarea.
 * - `language-field`: the sibling field whose value is the language; the mode follows it.
 * Ace comes from the django-ace package's static files (nothing from another host).
 */
(() => {
  'use strict';

  const NATIVE_VALUE = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
  const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

  function controllerClass(Controller) {
    return class CodeEditorController extends Controller {
      static values = {
        language: { type: String, default: 'text' },
        languageField: { type: String, default: '' },
        modes: { type: Object, default: {} },
      };

      connect() {
        const textarea = this.element.querySelector('textarea');
        if (!textarea || this.editor || !window.ace) return;
        this.textarea = textarea;

        this.host = document.createElement('div');
        this.host.className = 'code-editor__ace';
        textarea.insertAdjacentElement('afterend', this.host);
        const editor = window.ace.edit(this.host, {
          value: NATIVE_VALUE.get.call(textarea),
          newLineMode: 'unix', // LF, the stored form (cms.code_editor.normalize_code)
          tabSize: 2,
          useSoftTabs: true, // Tab indents by two spaces; tabs already in the code stay tabs
          showPrintMargin: false,
          useWorker: false, // no background linting: nothing loaded after the page
          minLines: 6,
          maxLines: 40,
          fontSize: 14,
          fontFamily: FONT,
          highlightActiveLine: false,
          readOnly: textarea.readOnly || textarea.disabled,
        });
        editor.session.getUndoManager().reset();
        this.editor = editor;

        // The visible input of Ace gets the field's label (screen readers, tests).
        const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
        const input = editor.textInput.getElement();
        input.setAttribute('aria-label', label ? label.textContent.replace('*', '').trim() : textarea.name);
        if (textarea.getAttribute('aria-describedby')) {
          input.setAttribute('aria-describedby', textarea.getAttribute('aria-describedby'));
        }

        // Ace -> textarea.
        let writing = false;
        editor.session.on('change', () => {
          writing = true;
          NATIVE_VALUE.set.call(textarea, editor.getValue());
          writing = false;
          textarea.dispatchEvent(new Event('input', { bubbles: true }));
        });
        editor.on('blur', () => textarea.dispatchEvent(new Event('change', { bubbles: true })));

        // Script -> textarea -> Ace (Wagtail's BoundWidget.setState writes textarea.value).
        Object.defineProperty(textarea, 'value', {
          configurable: true,
          get() {
            return NATIVE_VALUE.get.call(this);
          },
          set(value) {
            NATIVE_VALUE.set.call(this, value);
            if (!writing && editor.getValue() !== NATIVE_VALUE.get.call(this)) {
              editor.session.setValue(NATIVE_VALUE.get.call(this));
            }
          },
        });
        textarea.focus = () => editor.focus(); // Wagtail focuses a newly added block

        this.languageInput = this.findLanguageInput();
        this.onLanguageChange = () => this.applyLanguage();
        if (this.languageInput) this.languageInput.addEventListener('change', this.onLanguageChange);
        this.applyLanguage();
        this.element.classList.add('code-editor--ready');
      }

      disconnect() {
        if (!this.editor) return;
        if (this.languageInput) this.languageInput.removeEventListener('change', this.onLanguageChange);
        delete this.textarea.value; // back to the prototype's accessor
        delete this.textarea.focus;
        this.editor.destroy();
        this.host.remove();
        this.element.classList.remove('code-editor--ready');
        this.editor = null;
      }

      findLanguageInput() {
        const field = this.languageFieldValue;
        if (!field) return null;
        // A sibling: same name prefix ("body-0-value-code" -> "body-0-value-language").
        const name = this.textarea.name.includes('-') ? this.textarea.name.replace(/[^-]*$/, field) : field;
        const scope = this.textarea.form || document;
        return scope.querySelector(`select[name="${CSS.escape(name)}"], input[name="${CSS.escape(name)}"]`);
      }

      applyLanguage() {
        const language = (this.languageInput && this.languageInput.value) || this.languageValue;
        const mode = this.modesValue[language] || 'text';
        this.editor.session.setMode(`ace/mode/${mode}`);
        this.element.dataset.codeEditorMode = mode;
      }
    };
  }

  function register() {
    const app = window.wagtail && window.wagtail.app;
    if (!app || !window.StimulusModule) return false;
    app.register('code-editor', controllerClass(window.StimulusModule.Controller));
    return true;
  }

  if (!register()) document.addEventListener('DOMContentLoaded', register, { once: true });
})();
