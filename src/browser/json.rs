//! [`Json`] over JavaScript values, so the codec reads what `JSON.parse` returns and
//! builds what `JSON.stringify` and the user's callbacks get.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::wire::Json;

impl Json for JsValue {
    fn field(&self, key: &str) -> Option<Self> {
        // `get` gives `undefined` for a value that is not an object: `Reflect.get`
        // throws for those, and the throw is caught.
        Some(super::get(self, key)).filter(|v| !v.is_undefined() && !v.is_null())
    }
    fn string(&self) -> Option<String> {
        self.as_string()
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn elements(&self) -> Option<Vec<Self>> {
        if !Array::is_array(self) {
            return None;
        }
        let array: &Array = self.unchecked_ref();
        let mut elements = Vec::new();
        for at in 0..array.length() {
            elements.push(array.get(at));
        }
        Some(elements)
    }
    fn object() -> Self {
        Object::new().into()
    }
    fn set(&mut self, key: &str, value: Self) {
        // Setting a property on a plain object the codec created cannot fail.
        super::set(self, key, &value);
    }
    fn from_str(value: &str) -> Self {
        JsValue::from_str(value)
    }
    fn from_number(value: f64) -> Self {
        JsValue::from_f64(value)
    }
    fn from_bool(value: bool) -> Self {
        JsValue::from_bool(value)
    }
    fn from_elements(elements: Vec<Self>) -> Self {
        let array = Array::new();
        for element in &elements {
            array.push(element);
        }
        array.into()
    }
}
