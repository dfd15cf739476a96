"""HR pages that edit the program in the app: the program, its modules, and a group's process
leaders. Input → programs.editing service or selector → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_errors
from participants.access import HRMixin

from .editing import modules, selectors, services
from .editing.rules import module_session_count
from .forms_editing import ModuleForm, ProcessLeadersForm, ProgramForm
from .scheduling import process_leaders_for
from .selectors import group_for_organisation_or_404, program_for_organisation_or_404


def _tell(request, saved, *, success: str) -> None:
    if not saved.changed:
        messages.info(request, _("Nothing was changed."))
        return
    messages.success(request, success)
    for warning in saved.warnings:
        messages.warning(request, warning)


class ProgramMixin(HRMixin):
    def get_program(self):
        if not hasattr(self, "program"):
            self.program = program_for_organisation_or_404(
                organisation=self.organisation, program_id=self.kwargs["program_id"]
            )
        return self.program

    def modules_url(self) -> str:
        return reverse(
            "programs:module_list",
            kwargs={"org": self.organisation.slug, "program_id": self.get_program().pk},
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.get_program(), **kwargs)


class ProgramEditView(ProgramMixin, FormView):
    template_name = "programs/editing/program_edit.html"
    form_class = ProgramForm

    def get_initial(self):
        return ProgramForm.initial_for(self.get_program())

    def form_valid(self, form):
        program = self.get_program()
        try:
            saved = services.program_update(
                program=program, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _tell(self.request, saved, success=_("The program is saved."))
        return redirect(
            "programs:program_overview", org=self.organisation.slug, program_id=program.pk
        )

    def get_context_data(self, **kwargs):
        history = selectors.program_history(program=self.get_program())
        return super().get_context_data(history=history, **kwargs)


class ProgramCreateView(HRMixin, FormView):
    """A new program: its name, texts, period and group size bounds; then its modules."""

    template_name = "programs/editing/program_create.html"
    form_class = ProgramForm

    def get_initial(self):
        return {"min_group_size": 20, "max_group_size": 25}

    def form_valid(self, form):
        try:
            program = services.program_create(
                organisation=self.organisation, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(program)s is created. Now add its modules, in the order groups take them.")
            % {"program": program.name},
        )
        return redirect("programs:module_list", org=self.organisation.slug, program_id=program.pk)


class ModuleListView(ProgramMixin, TemplateView):
    template_name = "programs/editing/module_list.html"

    def get_context_data(self, **kwargs):
        program = self.get_program()
        return super().get_context_data(
            modules=list(selectors.program_modules(program=program)),
            history=selectors.modules_history(program=program),
            **kwargs,
        )


class ModuleMixin(ProgramMixin):
    def get_module(self):
        if not hasattr(self, "module"):
            self.module = selectors.module_for_program_or_404(
                organisation=self.organisation,
                program_id=self.kwargs["program_id"],
                module_id=self.kwargs["module_id"],
            )
            self.program = self.module.program
        return self.module


class ModuleCreateView(ProgramMixin, FormView):
    template_name = "programs/editing/module_form.html"
    form_class = ModuleForm

    def get_form_kwargs(self):
        consultants = process_leaders_for(organisation=self.organisation)
        return {**super().get_form_kwargs(), "consultants": consultants}

    def form_valid(self, form):
        try:
            saved = modules.module_create(
                program=self.get_program(), user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _tell(self.request, saved, success=_("%(module)s is added.") % {"module": saved.obj})
        return redirect(self.modules_url())


class ModuleEditView(ModuleMixin, FormView):
    template_name = "programs/editing/module_form.html"
    form_class = ModuleForm

    def get_initial(self):
        return ModuleForm.initial_for(self.get_module())

    def get_form_kwargs(self):
        consultants = process_leaders_for(organisation=self.organisation)
        return {**super().get_form_kwargs(), "consultants": consultants}

    def form_valid(self, form):
        try:
            saved = modules.module_update(
                module=self.get_module(), user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _tell(self.request, saved, success=_("%(module)s is saved.") % {"module": saved.obj})
        return redirect(self.modules_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(module=self.get_module(), **kwargs)


class ModuleDeleteView(ModuleMixin, TemplateView):
    """GET: what deleting the module means, or why it cannot be; POST: delete it."""

    template_name = "programs/editing/module_delete.html"

    def post(self, request, *args, **kwargs):
        module = self.get_module()
        try:
            saved = modules.module_delete(module=module, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.modules_url())
        _tell(request, saved, success=_("%(module)s is deleted.") % {"module": module})
        return redirect(self.modules_url())

    def get_context_data(self, **kwargs):
        module = self.get_module()
        return super().get_context_data(
            module=module, session_count=module_session_count(module), **kwargs
        )


class ModuleMoveView(ModuleMixin, View):
    """POST only: the module one place up or down (the buttons of the modules page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        module = self.get_module()
        direction = request.POST.get("direction")
        if direction not in {"up", "down"}:
            messages.info(request, _("Nothing was changed."))
            return redirect(self.modules_url())
        try:
            saved = modules.module_move(module=module, user=request.user, up=direction == "up")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.modules_url())
        _tell(
            request,
            saved,
            success=_("%(name)s is now module %(order)d.")
            % {"name": module.name, "order": module.order},
        )
        return redirect(self.modules_url())


class GroupProcessLeadersView(HRMixin, FormView):
    template_name = "programs/editing/process_leaders.html"
    form_class = ProcessLeadersForm

    def get_group(self):
        if not hasattr(self, "group"):
            self.group = group_for_organisation_or_404(
                organisation=self.organisation, group_id=self.kwargs["group_id"]
            )
        return self.group

    def get_initial(self):
        return {"process_leaders": list(self.get_group().process_leaders.all())}

    def get_form_kwargs(self):
        consultants = process_leaders_for(organisation=self.organisation)
        return {**super().get_form_kwargs(), "consultants": consultants}

    def form_valid(self, form):
        group = self.get_group()
        try:
            saved = services.group_process_leaders_set(
                group=group,
                user=self.request.user,
                consultants=list(form.cleaned_data["process_leaders"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _tell(
            self.request,
            saved,
            success=_("The process leaders of %(group)s are saved.") % {"group": group},
        )
        return redirect("programs:group_detail", org=self.organisation.slug, group_id=group.pk)

    def get_context_data(self, **kwargs):
        group = self.get_group()
        return super().get_context_data(
            group=group,
            program=group.round.program,
            history=selectors.group_leaders_history(group=group),
            has_consultants=process_leaders_for(organisation=self.organisation).exists(),
            **kwargs,
        )
