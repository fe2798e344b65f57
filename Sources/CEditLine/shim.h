// libedit (BSD editline) for Starling's interactive shell. histedit.h's el_set and history are
// variadic, which Swift cannot call: these fixed-signature wrappers are the only calls made.
#include <stdio.h>
#include <wchar.h>
#include <histedit.h>

static inline EditLine *starling_el_init(const char *program) {
    return el_init(program, stdin, stderr, stderr);  /* prompts and echo on stderr */
}

static inline int starling_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
    return el_set(el, EL_PROMPT, prompt);
}

static inline int starling_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int starling_el_set_getc(EditLine *el, int (*getc_function)(EditLine *, wchar_t *)) {
    return el_set(el, EL_GETCFN, getc_function);
}

static inline int starling_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

static inline int starling_el_set_signal(EditLine *el, int handle) {
    return el_set(el, EL_SIGNAL, handle);
}

static inline int starling_history_set_size(History *h, HistEvent *event, int size) {
    return history(h, event, H_SETSIZE, size);
}

static inline int starling_history_set_unique(History *h, HistEvent *event, int unique) {
    return history(h, event, H_SETUNIQUE, unique);
}

static inline int starling_history_enter(History *h, HistEvent *event, const char *line) {
    return history(h, event, H_ENTER, line);
}

static inline int starling_history_load(History *h, HistEvent *event, const char *path) {
    return history(h, event, H_LOAD, path);
}

static inline int starling_history_save(History *h, HistEvent *event, const char *path) {
    return history(h, event, H_SAVE, path);
}

/* H_LAST is the oldest entry; H_PREV walks towards the newest. */
static inline int starling_history_last(History *h, HistEvent *event) {
    return history(h, event, H_LAST);
}

static inline int starling_history_previous(History *h, HistEvent *event) {
    return history(h, event, H_PREV);
}

/* Tab completion: a named editor function, bound to a key, that finds its LineEditor through
   the client data. The function returns one of the CC_* codes. */
static inline int starling_el_set_addfn(EditLine *el, const char *name, const char *help,
                                        unsigned char (*function)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, function);
}

static inline int starling_el_set_bind(EditLine *el, const char *key, const char *name) {
    return el_set(el, EL_BIND, key, name, (const char *)NULL);
}

static inline int starling_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *starling_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    return el_get(el, EL_CLIENTDATA, &data) == 0 ? data : NULL;
}
