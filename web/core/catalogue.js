/* 粤康码 H5 core: the health forms' words (GET /v1/catalogue: declaration types, symptoms, questions, Macau ports),
   kept on the phone so a page opened without the network still draws its forms. The server's copy wins whenever
   it answers; without an answer the kept one is used; with neither the promise fails. */

const KEY = "ykm.catalogue";
const PATH = "/v1/catalogue";

function kept() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) || "null");
    return value && Array.isArray(value.questions) && Array.isArray(value.symptoms) ? value : null;
  } catch (e) {
    return null; // a damaged entry is the same as none
  }
}

function keep(catalogue) {
  try { localStorage.setItem(KEY, JSON.stringify(catalogue)); } catch (e) { /* storage full: online only */ }
}

let loading = null;

// The catalogue, once per page load: {declaration_types, symptoms, questions, macau: {questions, ports}}.
export function loadCatalogue() {
  if (!loading) {
    loading = fetch(PATH, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("catalogue " + response.status);
        return response.json();
      })
      .then(function (catalogue) {
        keep(catalogue);
        return catalogue;
      })
      .catch(function (error) {
        const stored = kept();
        loading = null; // ask again next time
        if (stored) return stored;
        throw error;
      });
  }
  return loading;
}

// A question's label by its code, or null.
export function questionLabel(catalogue, code) {
  const question = catalogue.questions.find(function (q) { return q.code === code; });
  return question ? question.label : null;
}
