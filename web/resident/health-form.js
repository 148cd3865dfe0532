/* 粤康码 H5, the resident page: the parts of the health forms (健康申报, 澳门健康码) drawn from the catalogue the API
   serves (GET /v1/catalogue, web/core/catalogue.js) - symptoms, yes/no questions, choices - and read back. */
import { loadCatalogue } from "../core/catalogue.js";
import { make, showBox } from "../core/forms.js";

// Draws a health form once, from the catalogue (the API's, or the copy kept offline): what parts.draw(catalogue)
// lays out (its select), then the symptoms and the yes/no questions draw answers, named <prefix>..., their errors
// under <field><code>; view.questions keeps them and parts.submit waits for them. A catalogue that cannot be had
// is said in parts.errorBox (the view draws again when opened).
export function drawHealthForm(view, form, parts) {
  return loadCatalogue().then(function (catalogue) {
    if (view.questions) return; // drawn meanwhile, by an earlier call
    view.questions = parts.draw(catalogue);
    symptomChecks(form.querySelector("[data-symptoms]"), catalogue.symptoms, parts.prefix);
    yesNoQuestions(form.querySelector(parts.questionsBox), view.questions, parts.prefix, parts.field);
    parts.submit.disabled = false;
  }, function () {
    showBox(parts.errorBox, "申报内容加载失败，请检查网络后重试");
  });
}

// A checkbox per symptom: name <prefix>symptom, data-testid <prefix>symptom-<code>.
export function symptomChecks(container, symptoms, prefix) {
  container.textContent = "";
  symptoms.forEach(function (symptom) {
    const label = make("label", "check");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = prefix + "symptom";
    box.value = symptom.code;
    box.setAttribute("data-testid", prefix + "symptom-" + symptom.code);
    label.appendChild(box);
    label.appendChild(make("span", "", symptom.label));
    container.appendChild(label);
  });
}

// A 否/是 pair per question ({code, label}), 否 chosen: radios named <prefix><code> (data-testid
// <prefix><code>-true|false); errors shown under the field the server names, <field><code> ("answers.x").
export function yesNoQuestions(container, questions, prefix, field) {
  container.textContent = "";
  questions.forEach(function (question) {
    const set = make("fieldset", "field question");
    set.dataset.field = field + question.code;
    set.dataset.question = question.code;
    set.appendChild(make("legend", "", question.label));
    const choices = make("div", "yes-no");
    [["false", "否"], ["true", "是"]].forEach(function (option) {
      const label = make("label", "choice");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = prefix + question.code;
      radio.value = option[0];
      radio.checked = option[0] === "false";
      radio.setAttribute("data-testid", prefix + question.code + "-" + option[0]);
      label.appendChild(radio);
      label.appendChild(make("span", "", option[1]));
      choices.appendChild(label);
    });
    set.appendChild(choices);
    const error = make("p", "field-error");
    error.dataset.error = field + question.code;
    error.hidden = true;
    set.appendChild(error);
    container.appendChild(set);
  });
}

export function checkedSymptoms(form, prefix) {
  return Array.prototype.map.call(form.querySelectorAll('input[name="' + prefix + 'symptom"]:checked'),
    function (box) { return box.value; });
}

export function answerOf(form, name) {
  const checked = form.querySelector('input[name="' + name + '"]:checked');
  return checked ? checked.value === "true" : false;
}

// A number input gives "" for anything it cannot read; that is a mistake, not "no temperature".
export function readTemperature(input) {
  if (input.value === "" && !(input.validity && input.validity.badInput)) return { value: null };
  const value = parseFloat(input.value);
  if (isNaN(value)) return { error: "请输入正确的体温，如 36.5" };
  return { value: value };
}
